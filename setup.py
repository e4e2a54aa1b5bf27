"""The build step that makes the wheel self-contained (everything else is in pyproject.toml).

The templates, stylesheets and JavaScript stay in ``frontend/`` in the checkout (where
everybody edits them); building a wheel copies them into ``twinspace/_frontend/`` of the
build tree, after building the JavaScript bundles when they are missing, and compiles each
translation catalogue (.po) to the .mo that the installed server reads. An editable install
(``make setup``) copies nothing: the code finds the checkout's ``frontend/`` instead
(``twinspace/resources.py``).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

ROOT = Path(__file__).resolve().parent
FRONTEND = ROOT / "frontend"
LOCALES = ROOT / "twinspace" / "i18n" / "locales"
PACKAGED_FRONTEND = ("twinspace", "_frontend")


def assets_built() -> bool:
    """The bundles are there: the hashed build's manifest, or the plain app.js."""
    build = FRONTEND / "static" / "build"
    return (build / "manifest.json").exists() or (build / "app.js").exists()


def build_frontend_assets() -> None:
    """Bundle the JavaScript with esbuild (npm) unless the bundles are already built."""
    if assets_built():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit(
            "frontend/static/build is missing and npm is not installed: "
            "install Node.js and npm, or run `make assets` first"
        )
    if not (FRONTEND / "node_modules").is_dir():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=FRONTEND, check=True)
    subprocess.run([npm, "run", "build"], cwd=FRONTEND, check=True)


def compile_catalogues(target: Path) -> None:
    """Each locales/<lang>/LC_MESSAGES/messages.po → messages.mo under ``target``."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in sorted(LOCALES.glob("*/LC_MESSAGES/messages.po")):
        mo = target / po.relative_to(LOCALES).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parent.parent.name)
        with mo.open("wb") as out:
            write_mo(out, catalog)


class build_py_with_frontend(build_py):  # noqa: N801 - setuptools command naming
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # the checkout's frontend/ and .po files are used in place
        build_frontend_assets()
        target = Path(self.build_lib, *PACKAGED_FRONTEND)
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(FRONTEND / "templates", target / "templates")
        shutil.copytree(
            FRONTEND / "static", target / "static", ignore=shutil.ignore_patterns("*.map")
        )
        compile_catalogues(Path(self.build_lib, "twinspace", "i18n", "locales"))


class sdist_with_frontend(sdist):  # noqa: N801
    def run(self) -> None:
        build_frontend_assets()  # the sdist carries the built bundles (MANIFEST.in)
        super().run()


setup(cmdclass={"build_py": build_py_with_frontend, "sdist": sdist_with_frontend})

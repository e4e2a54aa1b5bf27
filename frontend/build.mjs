// Builds the browser assets with content-hashed names and writes static/build/manifest.json,
// which maps each source ("src/app.js", "static/css/base.css", "static/img/bell.svg") to its
// hashed file under static/ ("build/app-5KX2QJ3M.js"). The server reads the manifest.
// Every stylesheet in static/css is an entry of its own: base.css on every page, an area's
// sheet (chat.css, pages.css, …) only on the pages that link it (see base.html).
import * as esbuild from "esbuild";
import { readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

const outdir = "static/build";
rmSync(outdir, { recursive: true, force: true });

const images = readdirSync("static/img").map((name) => join("static/img", name));
const stylesheets = readdirSync("static/css")
  .filter((name) => name.endsWith(".css"))
  .map((name) => join("static/css", name));
const result = await esbuild.build({
  entryPoints: ["src/app.js", "src/wiki.css", ...stylesheets, ...images],
  bundle: true,
  splitting: true,
  format: "esm",
  target: "es2020",
  minify: true,
  sourcemap: "linked",
  outdir,
  outbase: ".",
  entryNames: "[name]-[hash]",
  chunkNames: "chunks/[name]-[hash]",
  assetNames: "assets/[name]-[hash]",
  loader: { ".svg": "copy", ".png": "copy", ".ico": "copy" },
  external: ["/static/*"],
  metafile: true,
  logLevel: "warning",
});

const manifest = {};
for (const [output, info] of Object.entries(result.metafile.outputs)) {
  if (info.entryPoint) manifest[info.entryPoint] = relative("static", output);
}
writeFileSync(join(outdir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
// Which sources went into which file (tests/e2e/test_lean_assets.py checks what a page loads).
writeFileSync(join(outdir, "meta.json"), JSON.stringify(result.metafile) + "\n");
console.log(`built ${Object.keys(manifest).length} assets into ${outdir}`);

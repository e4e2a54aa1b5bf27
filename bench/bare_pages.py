"""A bare Starlette + Jinja2 page server: the baseline for bench/pages.py.

It renders one template listing ``--items`` posts, padded so the page has the size in bytes
given by ``--size`` (the size of the TwinSpace page it is compared with), under uvicorn with
the same settings as ``twinspace serve`` (uvloop, httptools).

    .venv/bin/python bench/bare_pages.py --port 8100 --size 14000
"""

from __future__ import annotations

import argparse

import jinja2
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title>
<link rel="stylesheet" href="/static/app.css"></head>
<body><header><a href="/">TwinSpace</a><nav>{% for room in rooms %}
<a href="/rooms/{{ loop.index }}">{{ room }}</a>{% endfor %}</nav></header>
<main><h1>{{ title }}</h1><ul>{% for post in posts %}
<li class="post"><h2>{{ post.title }}</h2><p>{{ post.author }} · {{ post.at }}</p>
<div>{{ post.body }}</div></li>{% endfor %}</ul><p>{{ padding }}</p></main></body></html>"""


def create_app(size: int, items: int) -> Starlette:
    template = jinja2.Environment(autoescape=True).from_string(TEMPLATE)
    rooms = ["Home", "Project activities", "Teachers' room", "Pupils' corner", "Chat"]
    posts = [
        {
            "title": f"Post {n}",
            "author": "Anne Moreau",
            "at": "2026-12-04 15:49",
            "body": "Our pupils compared the two rivers today. " * 3,
        }
        for n in range(items)
    ]
    context = {"title": "Rivers that connect us", "rooms": rooms, "posts": posts, "padding": ""}
    base = len(template.render(context).encode())
    context["padding"] = "x" * max(0, size - base)

    async def page(request: Request) -> HTMLResponse:
        return HTMLResponse(template.render(context))

    return Starlette(routes=[Route("/", page)])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--size", type=int, default=14_000)
    parser.add_argument("--items", type=int, default=20)
    args = parser.parse_args()
    uvicorn.run(
        create_app(args.size, args.items),
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        loop="uvloop",
        http="httptools",
        access_log=False,
    )


if __name__ == "__main__":
    main()

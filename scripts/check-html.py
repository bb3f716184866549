#!/usr/bin/env python3
"""Check that an HTML report is well-formed and self-contained.

usage: check-html.py FILE

Fails (exit 1, one line per problem) when an element is closed out of order
or never closed, when the page would load anything (script, link, img, iframe,
object, embed, src/href/action attributes, url() or @import in CSS), or when
there is no @media print rule. Prints "ok" otherwise.
"""
import html.parser
import re
import sys

VOID = {"meta", "br", "hr", "img", "input", "link", "line", "rect", "polyline", "circle", "path", "i"}
FORBIDDEN_TAGS = {"script", "link", "img", "iframe", "object", "embed", "base", "form", "audio", "video"}
FORBIDDEN_ATTRS = {"src", "href", "action", "srcset", "background", "poster", "formaction"}


class Checker(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.problems = []
        self.style = []
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        if tag in FORBIDDEN_TAGS:
            self.problems.append("forbidden element <%s>" % tag)
        for name, value in attrs:
            if name in FORBIDDEN_ATTRS or name.startswith("on"):
                self.problems.append("forbidden attribute %s=%r on <%s>" % (name, value, tag))
            if name == "style" and value and re.search(r"url\(|@import", value):
                self.problems.append("external resource in style attribute")
        if tag == "style":
            self.in_style = True
        if tag not in VOID:
            self.stack.append((tag, self.getpos()))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag == "style":
            self.in_style = False
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            self.problems.append("line %d: </%s> closes <%s>" % (
                self.getpos()[0], tag, self.stack[-1][0] if self.stack else "nothing"))
            return
        self.stack.pop()

    def handle_data(self, data):
        if self.in_style:
            self.style.append(data)


def main(argv):
    with open(argv[1], encoding="utf-8") as f:
        text = f.read()
    c = Checker()
    c.feed(text)
    c.close()
    for tag, pos in c.stack:
        c.problems.append("line %d: <%s> never closed" % (pos[0], tag))
    css = "".join(c.style)
    if re.search(r"url\(|@import", css):
        c.problems.append("external resource in CSS")
    if "@media print" not in css:
        c.problems.append("no @media print rule")
    if not text.startswith("<!DOCTYPE html>"):
        c.problems.append("no doctype")
    for p in c.problems:
        print("%s: %s" % (argv[1], p))
    if not c.problems:
        print("ok")
    return 1 if c.problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

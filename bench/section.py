#!/usr/bin/env python3
"""Puts a section of results into a Markdown file between its markers
<!-- NAME:start --> and <!-- NAME:end --> (the section carries them), replacing what was
there, or appends it when the file has none yet; then prints it.

    section.py NAME FILE SECTION
"""
import os
import re
import sys

name, path, section = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(path).read() if os.path.exists(path) else ""
marks = re.compile(rf"<!-- {re.escape(name)}:start -->.*<!-- {re.escape(name)}:end -->", re.S)
if marks.search(text):
    text = marks.sub(lambda m: section, text)
else:
    text += f"\n{section}\n"
open(path, "w").write(text)
print(section)

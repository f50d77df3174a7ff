#!/usr/bin/env python3
"""Writes replica-audit(1) in roff from the command definitions (docs/RELEASE.md).

usage: scripts/man-page.py BINARY [OUTPUT]      (OUTPUT defaults to standard output)

The binary's `--experimental-dump-help` (swift-argument-parser's JSON of every command,
argument and help text) gives NAME, SYNOPSIS, DESCRIPTION and one section per subcommand
with its options; each command's EXAMPLES come from its `--help`. EXIT STATUS and FILES are
written here from docs/CONTRACT.md ("Exit codes"), which the tests keep true. Nothing is
hand-copied from the Swift sources, so the page follows the commands as they change.
"""
import datetime
import json
import os
import subprocess
import sys

# docs/CONTRACT.md, "Exit codes": command → (0, 1, 2, 3); None where the code is not used.
EXIT_CODES = [
    ("verify", "pass", "fail", "usage or input error (a mapping mistake, an unusable --report-dir; both before anything is read)",
     "inconclusive: something could not be read, and nothing failed"),
    ("capture", "baseline written", None, "usage or input error", "a source could not be read completely (nothing written)"),
    ("inspect", "probed", None, "usage error", "the target could not be opened, or regions were unreadable"),
    ("compare", "identical", "different", "error (unreadable regions, Ctrl-C included)", None),
    ("inventory", "understood", None, "unreadable or unrecognized file", None),
    ("preflight", "ready", "blocked: copying as mapped would corrupt or lose data", "usage or input error",
     "could not check: a target could not be opened or read, and nothing blocks"),
    ("devices", "listed", None, "usage error, or a by-id directory that cannot be read", None),
    ("attest verify", "the signature holds and every signed file is unchanged",
     "it does not: a bad or foreign signature, an edited or missing file, an unusable public key", "usage error", None),
]


def esc(text):
    """Escapes text for roff: backslashes, and a leading dot or quote on any line."""
    text = (text or "").replace("\\", "\\e").replace("-", "\\-")
    # Non-ASCII as roff's Unicode escapes, so the page reads the same without preconv.
    text = "".join(ch if ord(ch) < 128 else "\\[u%04X]" % ord(ch) for ch in text)
    lines = []
    for line in text.split("\n"):
        if line.startswith(".") or line.startswith("'"):
            line = "\\&" + line
        lines.append(line)
    return "\n".join(lines)


def paragraphs(text):
    """Help text as roff paragraphs: blank lines separate paragraphs; indented lines stay as
    they are (no filling), so tables and examples in a discussion keep their shape."""
    out = []
    for block in (text or "").strip().split("\n\n"):
        if not block.strip():
            continue
        if any(line.startswith("  ") for line in block.split("\n")):
            out += [".PP", ".nf", esc(block), ".fi"]
        else:
            out += [".PP", esc(" ".join(line.strip() for line in block.split("\n")))]
    return out


def names(arg):
    result = []
    for n in arg.get("names", []):
        dashes = "-" if n["kind"] == "short" else "--"
        result.append("\\fB" + esc(dashes + n["name"]) + "\\fR")
    return ", ".join(result)


def synopsis_word(arg):
    value = "\\fI" + esc(arg.get("valueName", "value")) + "\\fR"
    if arg["kind"] == "positional":
        word = value
    else:
        preferred = arg.get("preferredName") or arg["names"][0]
        word = "\\fB" + esc(("-" if preferred["kind"] == "short" else "--") + preferred["name"]) + "\\fR"
        if arg["kind"] == "option":
            word += " " + value
    if arg.get("isRepeating"):
        word += " ..."
    return "[" + word + "]" if arg.get("isOptional") else word


def argument_entry(arg):
    if arg["kind"] == "positional":
        head = "\\fI" + esc(arg.get("valueName", "value")) + "\\fR"
    else:
        head = names(arg)
        if arg["kind"] == "option":
            head += " \\fI" + esc(arg.get("valueName", "value")) + "\\fR"
    body = esc(arg.get("abstract", ""))
    extra = []
    if arg.get("allValues"):
        extra.append("One of: " + esc(", ".join(arg["allValues"])) + ".")
    if arg.get("defaultValue") not in (None, ""):
        extra.append("Default: " + esc(arg["defaultValue"]) + ".")
    if arg.get("isRepeating") and arg["kind"] != "positional":
        extra.append("May be given more than once.")
    out = [".TP", head, (body + " " + " ".join(extra)).strip()]
    if arg.get("discussion"):
        out += [".IP", esc(" ".join(arg["discussion"].split()))]
    return out


def examples(binary, path):
    """The EXAMPLES lines at the end of `BINARY PATH… --help`, or []."""
    try:
        text = subprocess.run([binary, *path, "--help"], capture_output=True, text=True, timeout=30,
                              env={**os.environ, "COLUMNS": "200"}).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    if "\nEXAMPLES:\n" not in text:
        return []
    return [line.strip() for line in text.split("\nEXAMPLES:\n", 1)[1].split("\n") if line.strip()]


def command_section(binary, command, path, out):
    visible = [a for a in command.get("arguments", []) if a.get("shouldDisplay", True)
               and not (a["kind"] == "flag" and any(n["name"] in ("help", "version") for n in a.get("names", [])))]
    full = " ".join(path)
    out += [".SS " + esc(full), ".PP", "\\fBreplica\\-audit " + esc(full) + "\\fR " + " ".join(synopsis_word(a) for a in visible)]
    if command.get("abstract"):
        out += [".PP", esc(command["abstract"])]
    out += paragraphs(command.get("discussion"))
    if visible:
        out += [".PP", "Options:", ".RS 4"]
        for arg in visible:
            out += argument_entry(arg)
        out += [".RE"]
    lines = examples(binary, path) if len(path) == 1 else []
    if lines:
        out += [".PP", "Examples:", ".RS 4", ".nf"] + [esc(line) for line in lines] + [".fi", ".RE"]


def walk(binary, command, path, out):
    for sub in command.get("subcommands", []):
        if not sub.get("shouldDisplay", True) or sub["commandName"] == "help":
            continue
        sub_path = path + [sub["commandName"]]
        command_section(binary, sub, sub_path, out)
        walk(binary, sub, sub_path, out)


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: scripts/man-page.py BINARY [OUTPUT]")
    binary = sys.argv[1]
    try:
        dump = subprocess.run([binary, "--experimental-dump-help"], capture_output=True, text=True, check=True, timeout=30)
        version = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True, timeout=30).stdout.strip()
        root = json.loads(dump.stdout)["command"]
    except (OSError, subprocess.SubprocessError, ValueError, KeyError) as error:
        sys.exit(f"man-page: cannot read the command definitions from {binary}: {error}")
    # The page's date is the build's commit date when the build is stamped (reproducible), else today.
    date = os.environ.get("SOURCE_DATE_EPOCH")
    day = (datetime.datetime.fromtimestamp(int(date), datetime.timezone.utc) if date
           else datetime.datetime.now(datetime.timezone.utc)).strftime("%Y-%m-%d")

    out = [f'.\\" Generated by scripts/man-page.py from `replica-audit --experimental-dump-help`; do not edit.',
           f'.TH REPLICA\\-AUDIT 1 "{day}" "replica\\-audit {esc(version)}" "User Commands"',
           ".nh", ".ad l",  # option names and URIs are neither hyphenated nor stretched
           ".SH NAME", "replica\\-audit \\- " + esc(root.get("abstract", "")),
           ".SH SYNOPSIS"]
    for sub in root.get("subcommands", []):
        if sub.get("shouldDisplay", True) and sub["commandName"] != "help":
            out += [".br", "\\fBreplica\\-audit " + esc(sub["commandName"]) + "\\fR [\\fIoptions\\fR]"
                    + (" ..." if sub.get("subcommands") else "")]
    out += [".br", "\\fBreplica\\-audit\\fR \\fB\\-\\-version\\fR | \\fB\\-\\-help\\fR | \\fBhelp\\fR [\\fIcommand\\fR]"]
    out += [".SH DESCRIPTION"] + paragraphs(root.get("discussion"))
    out += [".PP", "Every command prints its own help with \\fB\\-\\-help\\fR; the contract scripts rely on "
            "(JSON documents, every finding code and its severity) is docs/CONTRACT.md in the documentation directory."]
    out += [".SH COMMANDS"]
    walk(binary, root, [], out)
    lines = examples(binary, [])
    if lines:
        out += [".SH EXAMPLES", ".nf"] + [esc(line) for line in lines] + [".fi"]
    out += [".SH EXIT STATUS"]
    for command, *meanings in EXIT_CODES:
        out += [".TP", "\\fB" + esc(command) + "\\fR"]
        out += [line for code, meaning in enumerate(meanings) if meaning
                for line in (".br", f"{code}  {esc(meaning)}")][1:]
    out += [".SH FILES",
            ".TP", "\\fI/usr/share/doc/replica\\-audit/\\fR",
            "README.md and docs/ (ARCHITECTURE.md, CONTRACT.md, INVENTORIES.md, PROBE.md, RELEASE.md); the "
            "directory is under the installation prefix (e.g. /usr/local/share/doc/replica\\-audit/ after make install).",
            ".TP", "\\fI/usr/share/replica\\-audit/Fixtures/\\fR",
            "The seed incident's fixture scripts and inventory that \\fBreplica\\-audit demo\\fR runs "
            "(under the installation prefix like the documentation).",
            ".TP", "\\fI./replica\\-audit\\-demo/\\fR",
            "Where an installed \\fBreplica\\-audit demo\\fR writes its images and reports (under the current directory).",
            ".SH SEE ALSO", "\\fBnbdinfo\\fR(1), \\fBnbdkit\\fR(1), \\fBsfdisk\\fR(8), \\fBblkid\\fR(8), \\fBqemu\\-img\\fR(1)"]
    text = "\n".join(out) + "\n"
    if len(sys.argv) == 3:
        with open(sys.argv[2], "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()

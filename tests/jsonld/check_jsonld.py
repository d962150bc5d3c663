"""Checks a factkit JSON-LD export with a real JSON-LD 1.1 processor (pyld), offline.

Usage: check_jsonld.py EXPORT.jsonld VOCAB_DIR

1. Expands the document with pyld; a document loader serves the schema.org context from
   VOCAB_DIR/schemaorgcontext.jsonld and refuses any other URL (no network).
2. Walks the document and its expansion side by side: every key of every node must come out
   as exactly one property IRI with the same number of values, every value as the same value
   (a string, a number, a link, a nested node), every @id and @type as expected. Expansion
   silently drops what it cannot map (a null, an unknown keyword), so this is what shows that
   no term was dropped.
3. Because the context maps any unknown key to a schema.org IRI through @vocab, expansion
   alone proves nothing: every @type and property IRI must be in schema.org 30.0
   (VOCAB_DIR/types.csv, properties.csv) and not superseded; every property must be used on
   a type in its domain, with a value in its range (a node of a range type or a subtype, a
   link to such a node in the graph, a URL where the range has URL, a text or a number where
   the range has that data type).
4. Google's fact-check markup: every ClaimReview has claimReviewed (less than 75 characters),
   reviewRating with alternateName, itemReviewed of type Claim, and author.

Prints "ok: ..." and exits 0, or prints every problem found and exits 1.
"""

import csv
import json
import sys
from urllib.parse import urljoin

from pyld import jsonld

SCHEMA = "http://schema.org/"
BASE = "https://factkit.test/export.jsonld"
CONTEXT_URLS = {"https://schema.org", "https://schema.org/", "http://schema.org", "http://schema.org/"}
# schema.org data types and the JSON values that may stand for them.
STRING_TYPES = {"Text", "URL", "CssSelectorType", "XPathType", "PronounceableText"}
NUMBER_TYPES = {"Number", "Integer", "Float"}
DATE_TYPES = {"Date", "DateTime"}


def label(iri):
    return iri[len(SCHEMA):] if iri.startswith(SCHEMA) else None


def https_label(iri):
    prefix = "https://schema.org/"
    return iri[len(prefix):] if iri.startswith(prefix) else None


def load_vocab(directory):
    types, properties = {}, {}
    with open(f"{directory}/types.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            parents = [https_label(p.strip()) for p in row["subTypeOf"].split(",") if p.strip()]
            types[row["label"]] = {
                "parents": [p for p in parents if p],
                "superseded": row["supersededBy"],
            }
    with open(f"{directory}/properties.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            split = lambda text: {https_label(t.strip()) for t in text.split(",") if t.strip()}
            properties[row["label"]] = {
                "domain": split(row["domainIncludes"]),
                "range": split(row["rangeIncludes"]),
                "superseded": row["supersededBy"],
            }
    return types, properties


def ancestors(types, name):
    seen, todo = set(), [name]
    while todo:
        t = todo.pop()
        if t in seen or t not in types:
            continue
        seen.add(t)
        todo.extend(types[t]["parents"])
    return seen


class Checker:
    def __init__(self, vocab_dir):
        self.vocab_dir = vocab_dir
        self.types, self.properties = load_vocab(vocab_dir)
        with open(f"{vocab_dir}/schemaorgcontext.jsonld", encoding="utf-8") as f:
            self.context_doc = json.load(f)
        self.context = self.context_doc["@context"]
        self.problems = []
        self.checked_properties = 0
        self.used_types = set()
        self.used_properties = set()

    def loader(self, url, options=None):
        if url not in CONTEXT_URLS:
            raise RuntimeError(f"refusing to load {url}: the test is offline")
        return {"contextUrl": None, "documentUrl": url, "document": self.context_doc}

    def problem(self, path, text):
        self.problems.append(f"{path}: {text}")

    def term_iri(self, key):
        """The IRI the schema.org context gives a compact key (what expansion should yield)."""
        definition = self.context.get(key)
        if isinstance(definition, dict) and "@id" in definition:
            iri = definition["@id"]
            return SCHEMA + iri[len("schema:"):] if iri.startswith("schema:") else iri
        if isinstance(definition, str):
            return definition
        return SCHEMA + key  # @vocab

    # 2. Compact document and expansion, side by side.
    def compare_node(self, compact, expanded, path):
        if not isinstance(expanded, dict):
            self.problem(path, f"expected a node, expansion gave {expanded!r}")
            return
        expected_keys = set()
        for key, value in compact.items():
            if key == "@context":
                continue
            here = f"{path}.{key}"
            if key == "@id":
                expected_keys.add("@id")
                if expanded.get("@id") != urljoin(BASE, value):
                    self.problem(here, f"@id {value!r} expanded to {expanded.get('@id')!r}")
                continue
            if key == "@type":
                expected_keys.add("@type")
                if expanded.get("@type") != [SCHEMA + value]:
                    self.problem(here, f"@type {value!r} expanded to {expanded.get('@type')!r}")
                continue
            if key.startswith("@"):
                self.problem(here, f"unexpected keyword {key!r}")
                continue
            iri = self.term_iri(key)
            expected_keys.add(iri)
            if iri != SCHEMA + key:
                self.problem(here, f"the context maps {key!r} to {iri}, not to schema:{key}")
            values = value if isinstance(value, list) else [value]
            out = expanded.get(iri)
            if out is None:
                self.problem(here, f"dropped by expansion (no {iri} in the expanded node)")
                continue
            if len(out) != len(values):
                self.problem(here, f"{len(values)} value(s) became {len(out)} in expansion")
                continue
            for i, (c, e) in enumerate(zip(values, out)):
                self.compare_value(c, e, f"{here}[{i}]")
        extra = set(expanded) - expected_keys
        if extra:
            self.problem(path, f"expansion has keys the document does not: {sorted(extra)}")

    def compare_value(self, compact, expanded, path):
        if isinstance(compact, dict):
            self.compare_node(compact, expanded, path)
        elif compact is None:
            self.problem(path, "null value (expansion drops it)")
        elif isinstance(compact, str):
            if "@id" in expanded:
                if expanded["@id"] != urljoin(BASE, compact):
                    self.problem(path, f"{compact!r} expanded to {expanded!r}")
            elif expanded.get("@value") != compact:
                self.problem(path, f"{compact!r} expanded to {expanded!r}")
        elif isinstance(compact, bool) or not isinstance(compact, (int, float)):
            self.problem(path, f"unexpected value {compact!r}")
        elif expanded.get("@value") != compact:
            self.problem(path, f"{compact!r} expanded to {expanded!r}")

    # 3. Vocabulary, domains and ranges.
    def node_types(self, node, path):
        names = []
        for iri in node.get("@type", []):
            name = label(iri)
            if name is None or name not in self.types:
                self.problem(path, f"@type {iri} is not a schema.org 30.0 type")
            elif self.types[name]["superseded"]:
                self.problem(path, f"@type {name} is superseded by {self.types[name]['superseded']}")
            else:
                names.append(name)
                self.used_types.add(name)
        return names

    def check_vocab(self, node, graph_types, path):
        types = self.node_types(node, path)
        if not types and set(node) - {"@id"}:
            self.problem(path, "a node with properties but no @type")
        family = set().union(*(ancestors(self.types, t) for t in types)) if types else set()
        for iri, values in node.items():
            if iri.startswith("@"):
                continue
            here = f"{path}.{label(iri) or iri}"
            name = label(iri)
            prop = self.properties.get(name) if name else None
            if prop is None:
                self.problem(here, f"{iri} is not a schema.org 30.0 property")
                continue
            if prop["superseded"]:
                self.problem(here, f"{name} is superseded by {prop['superseded']}")
            self.used_properties.add(name)
            self.checked_properties += 1
            if types and not (prop["domain"] & family):
                self.problem(here, f"{name} is not a property of {'/'.join(types)} "
                                   f"(its domain: {sorted(prop['domain'])})")
            for i, value in enumerate(values):
                self.check_range(name, prop["range"], value, graph_types, f"{here}[{i}]")

    def check_range(self, name, range_, value, graph_types, path):
        if "@value" in value:
            literal = value["@value"]
            datatype = label(value.get("@type", "")) if "@type" in value else None
            if isinstance(literal, bool):
                ok = "Boolean" in range_
            elif isinstance(literal, (int, float)):
                ok = bool(range_ & NUMBER_TYPES)
            elif datatype in DATE_TYPES:
                ok = bool(range_ & DATE_TYPES)
            else:
                ok = bool(range_ & STRING_TYPES)
            if not ok:
                self.problem(path, f"{literal!r} is not in the range of {name}: {sorted(range_)}")
            return
        if set(value) == {"@id"}:
            target = graph_types.get(value["@id"])
            if target is None:
                if "URL" not in range_:
                    self.problem(path, f"link {value['@id']} to no node of the graph, and "
                                       f"{name} does not take a URL")
                return
            family = set().union(*(ancestors(self.types, t) for t in target))
            if not (family & range_):
                self.problem(path, f"{name} links to a {'/'.join(target)}, not in its range "
                                   f"{sorted(range_)}")
            return
        types = [label(t) for t in value.get("@type", [])]
        family = set().union(*(ancestors(self.types, t) for t in types if t)) if types else set()
        if not (family & range_):
            self.problem(path, f"a {'/'.join(t or '?' for t in types)} is not in the range of "
                               f"{name}: {sorted(range_)}")
        self.check_vocab(value, graph_types, path)

    # 4. Google's fact-check markup.
    def check_claim_reviews(self, graph):
        for node in graph:
            if node.get("@type") != "ClaimReview":
                continue
            path = node.get("@id", "?")
            claim = node.get("claimReviewed")
            if not isinstance(claim, str) or not claim:
                self.problem(path, "ClaimReview without claimReviewed")
            elif len(claim) >= 75:
                self.problem(path, f"claimReviewed is {len(claim)} characters, not less than 75")
            rating = node.get("reviewRating") or {}
            if not rating.get("alternateName"):
                self.problem(path, "reviewRating without alternateName")
            if "ratingValue" in rating and not (
                rating.get("worstRating", 1) <= rating["ratingValue"] <= rating.get("bestRating", 5)
            ):
                self.problem(path, "ratingValue outside worstRating..bestRating")
            if (node.get("itemReviewed") or {}).get("@type") != "Claim":
                self.problem(path, "itemReviewed is not a Claim")
            if "author" not in node:
                self.problem(path, "ClaimReview without author")

    def run(self, export_path):
        with open(export_path, encoding="utf-8") as f:
            doc = json.load(f)
        if doc.get("@context") != "https://schema.org":
            self.problem("$", f"@context is {doc.get('@context')!r}, not https://schema.org")
        expanded = jsonld.expand(doc, {"documentLoader": self.loader, "base": BASE})
        graph = doc.get("@graph", [])
        if len(expanded) != len(graph):
            self.problem("$.@graph", f"{len(graph)} nodes became {len(expanded)} in expansion")
        else:
            for i, (c, e) in enumerate(zip(graph, expanded)):
                self.compare_node(c, e, f"$.@graph[{i}]")
        graph_types = {
            n["@id"]: [label(t) for t in n.get("@type", []) if label(t)]
            for n in expanded if "@id" in n
        }
        for i, node in enumerate(expanded):
            self.check_vocab(node, graph_types, f"$.@graph[{i}]")
        self.check_claim_reviews(graph)
        return len(expanded)


def main():
    export_path, vocab_dir = sys.argv[1], sys.argv[2]
    checker = Checker(vocab_dir)
    nodes = checker.run(export_path)
    if checker.problems:
        print(f"{len(checker.problems)} problem(s):")
        for p in checker.problems:
            print("  " + p)
        sys.exit(1)
    print(f"ok: {nodes} nodes, {checker.checked_properties} property values checked; "
          f"types {sorted(checker.used_types)}; properties {sorted(checker.used_properties)}")


if __name__ == "__main__":
    main()

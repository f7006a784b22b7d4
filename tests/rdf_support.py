"""What the RDF, query and serve tests share: hand-built graphs and a real Apache Jena.

``seeds_like_graph()`` is a small graph shaped like the seed articles (Roche invests in
South Korea, Eli Lilly partners with ABL Bio, ...), built through the graph stage so the
queries' expected rows are exact. ``hostile_graph()`` carries names, aliases, ids and
article fields that try to break out of RDF syntax. ``Jena`` runs Debian's Jena
(libapache-jena-java) with ``java -cp``, as its package ships no wrapper scripts.
"""
from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import networkx as nx
import pytest

from newsgraph.extract.model import Amount, Document, Entity, Evidence, Extraction, Relation
from newsgraph.graph import build_graph

BASE = "http://example.org/kg/"

ROCHE_TEXT = ("Roche will invest 710 billion won ($484 million) in South Korea by March 2026. "
              "Roche signed an agreement with the Ministry of Health and Welfare. "
              "The Swiss company is based in Switzerland. GSK also invests in Korea.")
ROCHE2_TEXT = "Swiss drugmaker Roche said it would put 710 billion won into South Korea."
LILLY_TEXT = ("Eli Lilly partners with ABL Bio in a deal worth up to $2.6 billion. "
              "ABL Bio, based in South Korea, partnered with Sanofi for $1.06 billion in 2022. "
              "GSK teamed up with Alteogen for $300 million. Alteogen is based in South Korea.")
FDA_TEXT = "Marty Makary, the FDA commissioner, welcomed the news."


def _rel(doc: Document, subject: str, relation: str, obj: str, sentence: str, **attrs) -> Relation:
    start = doc.text.index(sentence)
    return Relation(subject, relation, obj, Evidence(doc.id, sentence, start, start + len(sentence)),
                    **attrs)


def seeds_like_graph() -> nx.MultiDiGraph:
    """Roche, Eli Lilly, ABL Bio, GSK, Alteogen, the FDA and friends, with known amounts and dates."""
    roche = Document("d-roche", ROCHE_TEXT, title="Roche to invest in Korea", date="2026-03-05",
                     url="https://news.example.com/roche-korea", source="Asia Business Daily")
    roche2 = Document("d-roche2", ROCHE2_TEXT, title="Roche bets on Korea", date="2026-03")
    lilly = Document("d-lilly", LILLY_TEXT, title="Lilly and ABL Bio", date="2025-11-12")
    fda = Document("d-fda", FDA_TEXT, date="2025")
    s = ROCHE_TEXT.split(". ")
    l = LILLY_TEXT.split(". ")
    extractions = [
        Extraction(roche, (Entity("Roche", "Company", ("The Swiss company",), 3),
                           Entity("South Korea", "Country", ("Korea",), 2),
                           Entity("Ministry of Health and Welfare", "GovernmentAgency"),
                           Entity("Switzerland", "Country"), Entity("GSK", "Company")), (
            _rel(roche, "Roche", "INVESTS_IN", "South Korea", s[0] + ".", confidence=0.9,
                 amount=Amount(710e9, "KRW", 484e6), date="2026-03"),
            _rel(roche, "Roche", "SIGNS_AGREEMENT_WITH", "Ministry of Health and Welfare",
                 s[1] + ".", confidence=0.8),
            _rel(roche, "Roche", "LOCATED_IN", "Switzerland", s[2] + "."),
            _rel(roche, "GSK", "INVESTS_IN", "South Korea", s[3], confidence=0.7),
        )),
        Extraction(roche2, (Entity("Roche", "Company"), Entity("South Korea", "Country")), (
            _rel(roche2, "Roche", "INVESTS_IN", "South Korea", ROCHE2_TEXT, confidence=0.6,
                 amount=Amount(710e9, "KRW")),
        )),
        Extraction(lilly, (Entity("Eli Lilly", "Company", ("Lilly",)), Entity("ABL Bio", "Company"),
                           Entity("Sanofi", "Company"), Entity("GSK", "Company"),
                           Entity("Alteogen", "Company"), Entity("South Korea", "Country")), (
            _rel(lilly, "Eli Lilly", "PARTNERS_WITH", "ABL Bio", l[0] + ".", confidence=0.95,
                 amount=Amount(2.6e9, "USD", 2.6e9), upfront=Amount(40e6, "USD", 40e6), date="2025-11"),
            _rel(lilly, "ABL Bio", "PARTNERS_WITH", "Sanofi", l[1] + ".", confidence=0.85,
                 amount=Amount(1.06e9, "USD", 1.06e9), date="2022"),
            _rel(lilly, "ABL Bio", "LOCATED_IN", "South Korea", l[1] + "."),
            _rel(lilly, "GSK", "PARTNERS_WITH", "Alteogen", l[2] + ".", confidence=0.9,
                 amount=Amount(300e6, "USD", 300e6), date="2025-11"),
            _rel(lilly, "Alteogen", "LOCATED_IN", "South Korea", l[3]),
        )),
        Extraction(fda, (Entity("Marty Makary", "Person"), Entity("FDA", "GovernmentAgency")), (
            _rel(fda, "Marty Makary", "WORKS_FOR", "FDA", FDA_TEXT, role="commissioner"),
        )),
    ]
    return build_graph(extractions)


#: strings that try to end a literal, an IRI or a statement, or that encoders get wrong
HOSTILE = [
    'Quote " and \'single\' and """triple"""',
    "back\\slash \\u0041 \\n not an escape",
    "new\nline\r\nand\ttab",
    "> <http://evil/> .",
    '"> <http://evil/> . <x> <y> "z',
    "spaces  and trailing ",
    "삼성바이오로직스",
    "emoji 💊🧬 and RTL \u202eevil\u202c",
    "}); DETACH DELETE n //",
    "</script><img src=x onerror=alert(1)>",
    "@prefix ex: <http://evil/> .",
    "null\x00byte and bell\x07",
]


def hostile_graph() -> nx.MultiDiGraph:
    """Nodes, edges and articles whose every free-text field (and id) is one of ``HOSTILE``."""
    g = nx.MultiDiGraph()
    docs = []
    ids = []
    for i, text in enumerate(HOSTILE):
        nid = f"company:{text}"
        ids.append(nid)
        g.add_node(nid, id=nid, label=f"{text} {i}", type="Company",
                   aliases=sorted({text, f"alias {text}"}), mentions=i + 1, documents=[f"doc {text}"])
        docs.append({"id": f"doc {text}", "title": text, "date": "2025-11-03",
                     "url": f"https://example.org/{text}", "source": text})
    g.graph.update({"schema": "newsgraph/1", "documents": docs})
    for i, (u, v) in enumerate(zip(ids, ids[1:])):
        text = HOSTILE[i]
        relation = "WORKS_FOR" if i % 2 else "PARTNERS_WITH"
        attrs = {"relation": relation, "confidence": 0.75, "date": "2025-11",
                 "evidence": [{"doc": f"doc {text}", "sentence": text, "start": 0, "end": len(text)}],
                 "amount": {"value": 1.5e9, "currency": "USD", "usd": 1.5e9}}
        if relation == "WORKS_FOR":
            attrs["role"] = text
        g.add_edge(u, v, key=relation, **attrs)
    return g


# ---------------------------------------------------------------- Apache Jena

JENA_JARS = ["jena-arq", "jena-base", "jena-core", "jena-iri", "jena-cmds", "jena-shacl",
             "jena-rdfconnection", "jena-tdb", "jena-tdb2", "jena-dboe-base", "jena-dboe-index",
             "jena-dboe-storage", "jena-dboe-trans-data", "jena-dboe-transaction"]
#: what Jena's classes need at run time, from the package's Depends; slf4j-simple logs
#: parse warnings to stderr. A /usr/share/java/* wildcard would also take the
#: log4j-over-slf4j and slf4j-log4j12 bridges, which call each other in a loop.
DEPENDENCY_JARS = ["commons-cli", "commons-codec", "commons-compress", "commons-csv", "commons-io",
                   "commons-lang3", "dexx.collection", "gson", "guava", "httpclient", "httpcore",
                   "jackson-core", "jackson-databind", "jackson-annotations", "jsonld-java",
                   "jakarta.json-api", "protobuf", "slf4j-api", "slf4j-simple", "thrift", "httpclient-cache",
                   "commons-logging",
                   "titanium-json-ld"]
JAVA_DIR = Path("/usr/share/java")


class Jena:
    """Debian's Apache Jena, run class by class: ``riot`` (parse, validate) and ``arq`` (SPARQL)."""

    def __init__(self, classpath: str):
        self.classpath = classpath

    def run(self, main_class: str, *args, timeout: int = 120) -> subprocess.CompletedProcess:
        return subprocess.run(["java", "-cp", self.classpath, main_class, *map(str, args)],
                              capture_output=True, text=True, encoding="utf-8", timeout=timeout)

    def validate(self, path: Path) -> subprocess.CompletedProcess:
        return self.run("riotcmd.riot", "--validate", "--strict", path)

    def to_ntriples(self, path: Path) -> subprocess.CompletedProcess:
        return self.run("riotcmd.riot", "--output=nt", path)

    def select_csv(self, data: Path, query: str) -> subprocess.CompletedProcess:
        return self.run("arq.arq", "--data", data, "--results", "csv", query)


def make_jena(tmp_dir: Path) -> Jena:
    """A working ``Jena`` or a test failure that says what is missing (never a skip)."""
    if shutil.which("java") is None:
        pytest.fail("java is not installed: ./dev test installs default-jre-headless "
                    "(tests/system-packages.txt); or apt-get install default-jre-headless")
    missing = [n for n in JENA_JARS + DEPENDENCY_JARS if not (JAVA_DIR / f"{n}.jar").is_file()]
    if missing:
        pytest.fail(f"Apache Jena jars missing from {JAVA_DIR}: {', '.join(missing)}; ./dev test "
                    "installs libapache-jena-java (tests/system-packages.txt)")
    # Debian's jena-core relocates Xerces to the package xerces.* but leaves its message
    # resources under org/apache/jena/ext/xerces: without a copy where the classes look
    # for them, every command dies with "internal error" while loading XSD datatypes
    extra = tmp_dir / "jena-xerces-resources.jar"
    with zipfile.ZipFile(JAVA_DIR / "jena-core.jar") as src, zipfile.ZipFile(extra, "w") as dst:
        prefix = "org/apache/jena/ext/xerces/"
        for info in src.infolist():
            if info.filename.startswith(prefix) and not info.is_dir() \
                    and not info.filename.endswith(".class"):
                dst.writestr("xerces/" + info.filename[len(prefix):], src.read(info))
    jars = [JAVA_DIR / f"{n}.jar" for n in JENA_JARS + DEPENDENCY_JARS] + [extra]
    jena = Jena(":".join(map(str, jars)))
    probe = tmp_dir / "probe.nt"
    probe.write_text('<http://a/s> <http://a/p> "1.5"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n')
    proc = jena.validate(probe)
    if proc.returncode != 0:
        pytest.fail(f"Apache Jena cannot run (riot --validate on a one-line file exited "
                    f"{proc.returncode}): {proc.stderr.strip()[-800:]}")
    return jena

"""``newsgraph serve``: a real server process on a loopback port, queried with SPARQLWrapper."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
import rdflib
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper

from newsgraph.exports import get_exporter

from rdf_support import BASE, seeds_like_graph

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
INVESTORS = ('PREFIX ng: <https://w3id.org/newsgraph/ontology#> '
             'PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> '
             'SELECT ?name WHERE { ?c rdfs:label "South Korea" . ?x ng:investsIn ?c ; rdfs:label ?name } '
             'ORDER BY ?name')


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    """``newsgraph serve OUT --port 0`` started as a subprocess; its URL; stopped at the end."""
    out = tmp_path_factory.mktemp("out")
    get_exporter("turtle").write(seeds_like_graph(), out / "graph.ttl", base_iri=BASE)
    proc = subprocess.Popen([sys.executable, "-m", "newsgraph.cli", "serve", str(out), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        line = proc.stderr.readline()
        match = re.search(r"at (http://127\.0\.0\.1:\d+/sparql)", line)
        assert match, f"no URL in the server's first line: {line!r}"
        url = match.group(1)
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url.replace("/sparql", "/"), timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def client(url: str, fmt, method: str = "GET") -> SPARQLWrapper:
    sparql = SPARQLWrapper(url)
    sparql.setReturnFormat(fmt)
    sparql.setMethod(method)
    return sparql


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_select_as_sparql_json(endpoint, method):
    sparql = client(endpoint, JSON, method)
    sparql.setQuery(INVESTORS)
    result = sparql.queryAndConvert()
    assert [b["name"]["value"] for b in result["results"]["bindings"]] == ["GSK", "Roche"]


def test_select_as_sparql_xml(endpoint):
    sparql = client(endpoint, XML)
    sparql.setQuery(INVESTORS)
    response = sparql.query()
    assert response.response.headers["Content-Type"].startswith("application/sparql-results+xml")
    names = [n.firstChild.data for n in response.convert().getElementsByTagName("literal")]
    assert names == ["GSK", "Roche"]


def test_select_as_csv(endpoint):
    sparql = client(endpoint, CSV)
    sparql.setQuery(INVESTORS)
    text = sparql.queryAndConvert().decode("utf-8")
    assert list(csv.reader(io.StringIO(text))) == [["name"], ["GSK"], ["Roche"]]


def test_ask_and_construct(endpoint):
    sparql = client(endpoint, JSON)
    sparql.setQuery('ASK { ?x <http://www.w3.org/2000/01/rdf-schema#label> "Roche" }')
    assert sparql.queryAndConvert()["boolean"] is True
    sparql = client(endpoint, TURTLE)
    sparql.setQuery("CONSTRUCT { ?x a ng:Person } WHERE { ?x a ng:Person }")
    response = sparql.query()
    assert response.response.headers["Content-Type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=response.convert(), format="turtle")
    assert set(graph) == {(rdflib.URIRef(BASE + "entity/person:marty-makary"), rdflib.RDF.type,
                           rdflib.URIRef("https://w3id.org/newsgraph/ontology#Person"))}


def _http(url, data=None, headers=None, method=None):
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read().decode("utf-8")


def _count(endpoint) -> int:
    sparql = client(endpoint, JSON)
    sparql.setQuery(COUNT)
    return int(sparql.queryAndConvert()["results"]["bindings"][0]["n"]["value"])


def test_updates_are_refused_and_change_nothing(endpoint):
    before = _count(endpoint)
    update = "INSERT DATA { <http://evil/s> <http://evil/p> <http://evil/o> }"
    sparql = client(endpoint, JSON, "POST")
    sparql.setQuery(update)  # SPARQLWrapper sends updates as an update= form field
    with pytest.raises(urllib.error.HTTPError) as caught:
        sparql.query()
    assert caught.value.code == 403
    status, _, body = _http(endpoint, update.encode(), {"Content-Type": "application/sparql-update"})
    assert status == 403 and "read-only" in body
    status, _, _ = _http(endpoint, b"", method="PUT")
    assert status == 403
    # an update smuggled in as a query is not a query
    status, _, body = _http(endpoint + "?" + urllib.parse.urlencode({"query": update}))
    assert status == 400 and "SPARQL syntax error" in body
    assert _count(endpoint) == before


@pytest.mark.parametrize("accept, expected", [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("text/csv;q=0.9, application/sparql-results+xml;q=0.5", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("*/*", "application/sparql-results+json"),
])
def test_content_negotiation(endpoint, accept, expected):
    status, headers, _ = _http(endpoint + "?" + urllib.parse.urlencode({"query": COUNT}),
                               headers={"Accept": accept})
    assert status == 200
    assert headers["Content-Type"].split(";")[0] == expected


def test_unacceptable_types_bad_queries_and_unknown_paths(endpoint):
    status, _, _ = _http(endpoint + "?" + urllib.parse.urlencode({"query": COUNT}),
                         headers={"Accept": "image/png"})
    assert status == 406
    status, _, body = _http(endpoint + "?" + urllib.parse.urlencode({"query": "SELECT WHERE {"}))
    assert status == 400 and body.startswith("SPARQL syntax error")
    status, _, _ = _http(endpoint.replace("/sparql", "/admin"))
    assert status == 404
    status, _, body = _http(endpoint, COUNT.encode(), {"Content-Type": "application/sparql-query",
                                                        "Accept": "application/json"})
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == str(_count(endpoint))


def test_listens_on_loopback_only_by_default(endpoint):
    assert endpoint.startswith("http://127.0.0.1:")


def test_help_ends_with_an_example():
    proc = subprocess.run([sys.executable, "-m", "newsgraph.cli", "serve", "--help"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "Example:" in proc.stdout
    assert proc.stdout.rstrip().splitlines()[-1].strip().startswith("curl ")

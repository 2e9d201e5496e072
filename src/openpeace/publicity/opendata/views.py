"""`/data/`: every public dataset with its schema, as JSON and CSV; thin views over `rows`.

The files are cacheable for a minute (and served stale while one is being remade, or when the
server fails), like every public page: they hold nothing the pages do not show. Their links and
schema ids are made from the site's canonical URL (`OPENPEACE_SITE_URL`), not from the host a
request used, so that a file is the same whoever fetched it.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse

from openpeace.publicity.opendata import render as write
from openpeace.publicity.opendata.rows import SOURCES, Links, generated_at
from openpeace.publicity.opendata.schema import BY_NAME, DATASETS, FORMATS, Dataset, json_schema
from openpeace.publicity.outbox import site_url
from openpeace.web.http import require_safe

CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=120, stale-if-error=300"
MEDIA_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8; header=present",
}


def _cached(response: HttpResponse | StreamingHttpResponse) -> None:
    response["Cache-Control"] = CACHE_CONTROL


def _dataset_or_404(name: str) -> Dataset:
    dataset = BY_NAME.get(name)
    if dataset is None:
        shown = name if len(name) <= 60 else name[:60] + "…"
        raise Http404(f"There is no dataset named {shown!r}. The datasets are: "
                      f"{', '.join(d.name for d in DATASETS)} (see /data/).")
    return dataset


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    datasets = [{"dataset": d, "count": SOURCES[d.name].count(), "unit": SOURCES[d.name].unit}
                for d in DATASETS]
    response = render(request, "publicity/opendata/index.html", {"datasets": datasets})
    _cached(response)
    return response


@require_safe
def schema(request: HttpRequest, name: str) -> JsonResponse:
    dataset = _dataset_or_404(name)
    response = JsonResponse(
        json_schema(dataset, site_url(request.path)),
        json_dumps_params={"ensure_ascii": False, "indent": 2},
        content_type="application/schema+json",
    )
    _cached(response)
    return response


@require_safe
def download(request: HttpRequest, name: str, format: str) -> StreamingHttpResponse:
    dataset = _dataset_or_404(name)
    if format not in FORMATS:
        shown = format if len(format) <= 20 else format[:20] + "…"
        raise Http404(f"There is no format {shown!r}: a dataset is at /data/{dataset.name}.json "
                      f"and /data/{dataset.name}.csv, its schema at "
                      f"/data/{dataset.name}.schema.json.")
    links = Links(site_url("/"))
    # A HEAD request (a cache revalidating) gets the headers without reading a row.
    rows = SOURCES[dataset.name].rows(links) if request.method != "HEAD" else iter(())
    if format == "csv":
        chunks = write.csv_chunks(dataset, rows)
    else:
        schema_url = site_url(reverse("publicity:opendata:schema", args=[dataset.name]))
        chunks = write.json_chunks(dataset, rows, schema_url=schema_url,
                                   generated_at=generated_at())
    response = StreamingHttpResponse(chunks, content_type=MEDIA_TYPES[format])
    disposition = "attachment" if format == "csv" else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="openpeace-{dataset.name}.{format}"'
    _cached(response)
    return response


@require_safe
def no_format(request: HttpRequest, name: str) -> HttpResponse:
    dataset = _dataset_or_404(name)
    raise Http404(f"Say which format: /data/{dataset.name}.json or /data/{dataset.name}.csv.")

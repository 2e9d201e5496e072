"""The typed JSON API under /api/, with its OpenAPI schema at /api/openapi.json."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger
from ninja.errors import ValidationError
from ninja.openapi.schema import OpenAPISchema

from openpeace.diplomacy.api import router as diplomacy_router
from openpeace.plebiscites.api import router as plebiscites_router
from openpeace.selfdetermination.api import router as selfdetermination_router
from openpeace.treaties.api import router as treaties_router
from openpeace.web.api_reference import ApiReference
from openpeace.web.http import refuse_bodies_not_json, require_safe
from openpeace.world.api import router as world_router
from openpeace.world.schemas import invalid_body


class ApiDocs(Swagger):
    """ninja's Swagger UI in the site's frame, at /api/docs/try, to try requests: the header, a
    main with its h1, a way to the reference without JavaScript, and the UI marked as English,
    left to right (web/templates/web/api_docs.html). /api/docs is the reference
    (`web.api_reference`)."""

    template = "web/api_docs.html"


class OpenpeaceAPI(NinjaAPI):
    """The API, whose schema also says the one answer every operation can give before it runs:
    a 400 when Django refuses a request as it reads it, above all one with more than
    `DATA_UPLOAD_MAX_NUMBER_FIELDS` query parameters (`web.views.bad_request`, which answers
    `{"detail": ...}` under /api/). It is said once here, not in each router's answers."""

    def get_openapi_schema(self, *, path_prefix: str | None = None,
                           path_params: dict[str, Any] | None = None) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        unreadable = ("a request Django cannot read: more than "
                      f"{settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} query parameters or fields")
        for operations in schema["paths"].values():
            for operation in operations.values():
                if own := operation["responses"].get(400):  # a ballot's own, `ErrorOut` too
                    own["description"] += f"; or {unreadable}"
                else:
                    operation["responses"][400] = {
                        "description": unreadable,
                        "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/ErrorOut"}}},
                    }
        return schema


api = OpenpeaceAPI(
    title="openpeace",
    version="1",
    description=(
        "Open diplomacy in public: the world register, the offer of peace and its replies, "
        "the treaties, the nationalities' decisions and demands, and the transparency log. "
        "Every read is public; writes need a role's token."
    ),
    urls_namespace="api",
    docs=ApiReference(),
    docs_decorator=require_safe,  # the docs and the schema are read, and only read
)
api.add_decorator(refuse_bodies_not_json, mode="view")  # before routers: it applies to all
api.add_router("/", world_router)
api.add_router("/", diplomacy_router)
api.add_router("/", treaties_router)
api.add_router("/", selfdetermination_router)
api.add_router("/", plebiscites_router)


def _message(error: dict[str, Any]) -> str:
    """What is wrong, in pydantic's words, but for a field the body's schema does not have
    (`api_types.Payload`): that it was not quietly dropped."""
    if error.get("type") == "extra_forbidden":
        return "not a field of this request: an unknown field is refused, not ignored"
    return str(error.get("msg", "invalid"))


@api.exception_handler(ValidationError)
def invalid_request(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """422 with a `detail` that says, for each bad field, where it is and what is wrong."""
    problems = ((".".join(map(str, e.get("loc", ()))), _message(e)) for e in exc.errors)
    return api.create_response(request, invalid_body(problems), status=422)


@require_safe
def swagger(request: HttpRequest) -> HttpResponse:
    """Swagger UI (`ApiDocs`), at /api/docs/try."""
    return ApiDocs().render_page(request, api)

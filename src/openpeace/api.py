"""The typed JSON API under /api/, with its OpenAPI schema at /api/openapi.json."""


from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger
from ninja.errors import ValidationError

from openpeace.diplomacy.api import router as diplomacy_router
from openpeace.plebiscites.api import router as plebiscites_router
from openpeace.selfdetermination.api import router as selfdetermination_router
from openpeace.treaties.api import router as treaties_router
from openpeace.world.api import router as world_router
from openpeace.world.schemas import invalid_body


class ApiDocs(Swagger):
    """ninja's Swagger UI, on a page that says its language and direction, as every page of the
    site does (the UI is in English, left to right)."""

    template = "web/api_docs.html"


api = NinjaAPI(
    title="openpeace",
    version="1",
    description=(
        "Open diplomacy in public: the world register, the offer of peace and its replies, "
        "the treaties, the nationalities' decisions and demands, and the transparency log. "
        "Every read is public; writes need a role's token."
    ),
    urls_namespace="api",
    docs=ApiDocs(),
)
api.add_router("/", world_router)
api.add_router("/", diplomacy_router)
api.add_router("/", treaties_router)
api.add_router("/", selfdetermination_router)
api.add_router("/", plebiscites_router)


@api.exception_handler(ValidationError)
def invalid_request(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """422 with a `detail` that says, for each bad field, where it is and what is wrong."""
    problems = ((".".join(map(str, e.get("loc", ()))), e.get("msg", "invalid"))
                for e in exc.errors)
    return api.create_response(request, invalid_body(problems), status=422)

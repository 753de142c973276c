"""Project resolution: a project id from an id or a name (I/O-free; the caller lists projects).

Projects come from ``GET /projects`` (``Project.id``, ``Project.name``). A UUID is used as given
without any request; a name matches exactly, case-insensitively and whatever its Unicode
normalization (``Müller`` typed as one code point matches a server's ``u`` + U+0308, as macOS
writes it: FINDINGS8 H3); case decides between names that differ only in case.

A name is looked up first with the operation's ``name`` query parameter (``name_query``: the
spec's "ilike.%x% or eq.x" operator syntax, here ``ilike.`` with the name's ``%``, ``_`` and
``\\`` escaped: a case-insensitive exact match), so a server capping ``limit`` over thousands of
projects still finds it in one page (FINDINGS6 F6). Only when that answer holds no project of
that name (a server without the filter, or one whose case folding differs) is every project
listed, for the match and for the closest names of the error. When that answer holds
projects of other names (``ignores_name``: a server without the filter sent its first page of
every project), it is that listing's first page, and the listing goes on from there instead
of asking for it again (FINDINGS7 G31).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from ionworks_client.models import Project

from .constants import MAX_PAGE_SIZE
from .errors import ConfigurationError, NotFoundError, UnexpectedResponseError
from .filters import escape_like
from .parameters import check_sendable

__all__ = [
    "PROJECT_ORDER",
    "ProjectNotFoundError",
    "ignores_name",
    "is_project_id",
    "match_project",
    "name_key",
    "name_query",
    "named",
    "project_argument",
]

# \Z, not $: $ also matches before a final newline.
_UUID = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z"
)


def name_key(name: str) -> str:
    """What two project names are compared by: case-folded and NFC-normalized (canonical
    caseless matching), so names that differ only in case or in Unicode normalization (NFC
    ``ü`` vs NFD ``u`` + U+0308) are one name."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


def is_project_id(text: str) -> bool:
    """Whether ``text`` is a project id (a UUID), which needs no lookup."""
    return bool(_UUID.match(text))


class ProjectId(str):
    """A project id as ``GET /projects`` listed it (``Project.id``; :func:`listed_ids`):
    ``resolve_project`` and ``export`` use it as given, never looking it up as a name,
    whatever its form (an id need not be a UUID: FINDINGS8 H17, ``"42"`` was looked up as a
    name, and an id equal to another project's name walked that project). ``export`` given
    such ids (``--all-projects``) exports the others when one is gone (404) as its walk
    begins, and names it in ``ExportResult.vanished``."""

    __slots__ = ()


def listed_ids(projects: Sequence[Project]) -> list[ProjectId]:
    """The ids of a ``GET /projects`` listing (``list_projects()``), in its order, as
    :class:`ProjectId`.

    :raises UnexpectedResponseError: a project the server sent without a usable id (null,
        not text, blank), naming the project by its place in the listing and its name: the
        fault is the server's, not the caller's (FINDINGS8 H17: it was blamed on
        ``project[0]``, the argument).
    """
    ids: list[ProjectId] = []
    for place, project in enumerate(projects, 1):
        value = project.id
        if isinstance(value, str) and value.strip():
            ids.append(ProjectId(value))
            continue
        name = project.name if isinstance(project.name, str) else None
        named = f" ({name!r})" if name is not None else ""
        shown = "null" if value is None else repr(value)
        raise UnexpectedResponseError(
            status=200,
            method="GET",
            path="/projects",
            detail=f"project {place} of {len(projects)} in the listing{named} has id {shown}, "
            "not a project id, so its measurements cannot be asked for",
        )
    return ids


def project_argument(project: str | None, default: str | None) -> str:
    """The stripped project argument, ``default`` (``IONWORKS_PROJECT_ID``) when None.

    Raises ConfigurationError when there is none or it is blank, and ParameterError when it is
    text no URL can carry (a byte that is not UTF-8, from a Latin-1 terminal or file, or a
    lone surrogate), as for a filter value (FINDINGS8 H14: a raw UnicodeEncodeError before).
    """
    source = "project"
    if project is None:
        project, source = default, "IONWORKS_PROJECT_ID"
        if not project:
            raise ConfigurationError(
                "no project: give PROJECT (an id or a name) or set IONWORKS_PROJECT_ID"
            )
    project = project.strip()
    if not project:
        raise ConfigurationError("PROJECT is empty: give a project id or name")
    check_sendable("project", project, source)
    return project


#: The order every ``GET /projects`` walk asks for (the operation's ``order_by``/``order``):
#: offset paging over a server's default order, which a database need not keep from one
#: request to the next, skips and repeats projects (FINDINGS8 H16: 175 of 250 listed, no
#: word). Newest first, the sandbox's own default, so listings read as before.
PROJECT_ORDER: dict[str, Any] = {"order_by": "created_at", "order": "desc"}


def name_query(project: str) -> dict[str, Any]:
    """The ``GET /projects`` query parameters asking for the first page of projects named
    ``project`` (case-insensitive, exact): ``name`` ``ilike.<project, LIKE wildcards
    escaped>``, ``offset`` 0, ``limit`` ``MAX_PAGE_SIZE`` and :data:`PROJECT_ORDER` (so that
    a server ignoring ``name`` answers the listing's own first page); for ``CH_1 100%`` the
    ``name`` is ``ilike.CH\\_1 100\\%``. One page is enough: a name shared by a page of
    projects is beyond any use of a name."""
    return {
        "name": "ilike." + escape_like(project),
        "offset": 0,
        "limit": MAX_PAGE_SIZE,
        **PROJECT_ORDER,
    }


def named(project: str, projects: Sequence[Project]) -> list[Project]:
    """The projects of ``projects`` whose name is ``project`` case-insensitively (what
    ``match_project`` matches a name with): the answer to ``name_query`` that can be trusted,
    whatever the server did with the filter."""
    wanted = name_key(project)
    return [p for p in projects if name_key(p.name) == wanted]


def ignores_name(project: str, projects: Sequence[Project]) -> bool:
    """Whether ``projects``, the answer to ``name_query(project)``, holds a project whose name
    is not ``project`` case-insensitively: a server that filters by ``name`` never sends
    one, so the server ignored the parameter and the answer is the first page
    (``offset`` 0, ``limit`` ``MAX_PAGE_SIZE``) of every project."""
    wanted = name_key(project)
    return any(name_key(p.name) != wanted for p in projects)


def _normalization(name: str, projects: Sequence[Project]) -> str:
    """`` (NFD)`` (or NFC, or ``mixed``) after ``name`` when another of ``projects`` prints
    the same but is another string (FINDINGS8 H3: two names that look identical, only their
    Unicode normalization differs), else ``""``."""
    spelt = unicodedata.normalize("NFC", name)
    if not any(p.name != name and unicodedata.normalize("NFC", p.name) == spelt for p in projects):
        return ""
    form = next((f for f in ("NFC", "NFD") if unicodedata.is_normalized(f, name)), "mixed")
    return f" ({form} Unicode normalization)"


def match_project(project: str, projects: Sequence[Project]) -> str:
    """The id of the one project in ``projects`` whose id or name (case-insensitive) is
    ``project``; when several names match case-insensitively, the one that matches with its
    case too (``Cells`` among ``Cells`` and ``cells``).

    Raises ConfigurationError when the name is ambiguous (listing the ids),
    ProjectNotFoundError (a NotFoundError) for an unknown name, listing the closest names,
    else every name.
    """
    by_id = [p for p in projects if p.id == project]
    if by_id:
        return by_id[0].id
    exact = named(project, projects)
    if len(exact) == 1:
        return exact[0].id
    names = [p.name for p in projects]
    if len(exact) > 1:
        spelt = unicodedata.normalize("NFC", project)
        same_case = [p for p in exact if unicodedata.normalize("NFC", p.name) == spelt]
        if len(same_case) == 1:  # 'Cells' among 'Cells' and 'cells': the exact one
            return same_case[0].id
        raise ConfigurationError(
            f"project name {project!r} is ambiguous: {len(exact)} projects have it; "
            "use the project id: "
            + "; ".join(f"{p.name!r}{_normalization(p.name, exact)} {p.id}" for p in exact)
        )
    raise ProjectNotFoundError(project, names)


class ProjectNotFoundError(NotFoundError):
    """No project visible to the credential has the name given: the toolkit's own 404 (the
    ``GET /projects`` listing it searched answered 200). The message names the closest names
    (containing the name, or close to it: difflib), else every name the credential sees:
    ``no project named 'Nope' (GET /projects lists 2 projects, none close): 'Cells';
    'NASA PCoE Li-ion battery aging'``. ``status`` 404, ``method`` GET, ``path`` /projects,
    ``detail`` that message; ``names`` every project name listed."""

    #: How many names the message lists when none is close (then ``... (N in all)``).
    MOST = 20

    def __init__(self, project: str, names: Sequence[str]) -> None:
        close = [n for n in names if project.casefold() in n.casefold()]
        close += [
            n for n in difflib.get_close_matches(project, names, n=3, cutoff=0.4) if n not in close
        ]
        count = f"{len(names)} project{'s' if len(names) != 1 else ''}"
        if close:
            detail = f"no project named {project!r}; closest: " + "; ".join(
                repr(n) for n in close[:5]
            )
        elif names:
            shown = "; ".join(repr(n) for n in names[: self.MOST])
            more = f"; ... ({len(names)} in all)" if len(names) > self.MOST else ""
            detail = (
                f"no project named {project!r} (GET /projects lists {count}, none close): "
                f"{shown}{more}"
            )
        else:
            detail = f"no project named {project!r}: GET /projects lists no project for this "
            detail += "credential"
        super().__init__(status=404, method="GET", path="/projects", detail=detail)
        self.args = (detail,)  # the toolkit's own 404: not worded as the server's answer
        self.names = tuple(names)

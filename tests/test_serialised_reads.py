"""Attributes read by serialisation (AL204/AL205): the facts pass 1 records, and findings across
modules (the schema, its base, the ORM model, the helper and the route each in another file)."""

from __future__ import annotations

import ast
import textwrap

import pytest
from test_project import codes, lint, write_project

from asynclint.analysis.names import ScopeStack
from asynclint.index.ast_refs import AstRefs
from asynclint.index.models import model_facts
from asynclint.index.param_reads import parameter_reads
from asynclint.index.schemas import ResponseModel, response_model, schema_facts
from asynclint.index.summary import summarise


def _function(text: str) -> ast.FunctionDef:
    node = ast.parse(textwrap.dedent(text)).body[0]
    assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    return node


def _summary(text: str):
    text = textwrap.dedent(text)
    return summarise(ast.parse(text), text.splitlines(), "app.mod", "app")


# -- pass 1: which parameters a function reads attributes of ------------------------------------
def test_reads_on_every_path_are_recorded_in_order():
    reads = parameter_reads(_function("""
        def out(order, lines, n):
            with lock:
                total = order.total
            try:
                name = order.customer.name
            finally:
                pass
            return {"id": order.id, "n": n, "total": total, "name": name}
    """))
    assert reads == {"order": ("total", "customer", "id")}


@pytest.mark.parametrize(
    "body",
    [
        "if flag:\n    return p.id\nreturn None",
        "for _ in range(flag):\n    x = p.id",
        "return flag and p.id",
        "return p.id if flag else None",
        "return [p.id for _ in range(flag)]",
        "if flag:\n    return None\nreturn p.id",  # after an early return
        "try:\n    pass\nexcept ValueError:\n    return p.id",
    ],
    ids=["if", "loop", "and", "ifexp", "comprehension", "early-return", "except"],
)
def test_a_read_that_may_not_happen_is_not_recorded(body):
    text = "def f(p, flag):\n" + textwrap.indent(body, "    ")
    assert parameter_reads(_function(text)) == {}


@pytest.mark.parametrize(
    "use",
    ["refresh(p)", "p = other", "p.reload()", "await p.awaitable_attrs.id", "lambda: p", "p.id = 1"],
)
def test_a_parameter_used_otherwise_than_read_is_left_out(use):
    text = f"async def f(p, other, refresh):\n    {use}\n    return p.id\n"
    assert parameter_reads(_function(text)) == {}


def test_a_none_test_is_not_a_use():
    text = "def f(p):\n    if p is None:\n        raise ValueError\n    return p.id\n"
    assert parameter_reads(_function(text)) == {"p": ("id",)}


def test_only_module_level_functions_record_their_reads_and_positional_parameters():
    summary = _summary("""
        def helper(a, /, b, *, c):
            return a.x, b.y, c.z
        class Service:
            def method(self, p):
                return p.id
    """)
    helper = summary.functions["helper"]
    assert helper.param_reads == {"a": ("x",), "b": ("y",), "c": ("z",)}
    assert helper.params == ("a", "b")
    assert summary.functions["Service.method"].param_reads == {}


# -- pass 1: pydantic schemas, response models, ORM columns ----------------------------------------
def _class_facts(text: str):
    tree = ast.parse(textwrap.dedent(text))
    scopes = ScopeStack({})
    refs = AstRefs(scopes)
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom):
            for alias in stmt.names:
                scopes.bind_import(alias.asname or alias.name, f"{stmt.module}.{alias.name}")
    node = tree.body[-1]
    assert isinstance(node, ast.ClassDef)
    return schema_facts(node, refs)


def test_schema_fields_are_the_names_read_aliases_included_private_and_class_vars_not():
    facts = _class_facts("""
        from typing import Annotated, ClassVar
        from pydantic import BaseModel, ConfigDict, Field
        class Out(BaseModel):
            model_config = ConfigDict(from_attributes=True)
            id: int
            label: str = Field(alias="name")
            code: Annotated[str, Field(validation_alias="sku")]
            kind: str = Field(alias=ALIAS)
            _cache: dict
            registry: ClassVar[dict]
    """)
    assert facts.bases == ("pydantic.BaseModel",)
    assert facts.fields == ("id", "name", "sku")
    assert (facts.from_attributes, facts.orm_mode, facts.opaque) == (True, None, False)


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("model_config = {'from_attributes': True}", (True, None, False)),
        ("class Config:\n        orm_mode = True", (None, True, False)),
        ("model_config = ConfigDict(from_attributes=FLAG)", (None, None, True)),
        ("model_config = ConfigDict(alias_generator=to_camel)", (None, None, True)),
        ("model_config = BASE_CONFIG", (None, None, True)),
        ("class Config(Shared):\n        orm_mode = True", (None, True, True)),
    ],
)
def test_schema_config_is_read_when_literal_and_opaque_otherwise(config, expected):
    facts = _class_facts(
        "from pydantic import BaseModel, ConfigDict\n"
        f"class Out(BaseModel):\n    {config}\n    id: int\n"
    )
    assert (facts.from_attributes, facts.orm_mode, facts.opaque) == expected


def test_class_keyword_config_counts():
    facts = _class_facts("""
        from pydantic import BaseModel
        class Out(BaseModel, from_attributes=True):
            id: int
    """)
    assert facts.from_attributes is True


@pytest.mark.parametrize(
    ("decorator", "returns", "expected"),
    [
        ("@app.get('/a', response_model=Out)", "", ResponseModel("app.mod.Out")),
        ("@app.get('/a', response_model=None)", " -> Out", None),
        ("@app.get('/a')", " -> Out | None", ResponseModel("app.mod.Out")),
        ("@app.get('/a')", " -> Optional[list[Out]]", ResponseModel("app.mod.Out", many=True)),
        ("@app.get('/a')", " -> 'List[Out]'", ResponseModel("app.mod.Out", many=True)),
        ("@app.get('/a')", " -> dict[str, Out]", None),
        ("@app.get('/a')", "", None),
    ],
)
def test_the_response_model_is_the_decorators_else_the_return_annotation(decorator, returns, expected):
    summary = _summary(f"""
        from typing import List, Optional
        from fastapi import FastAPI
        from pydantic import BaseModel
        app = FastAPI()
        class Out(BaseModel):
            id: int
        {decorator}
        async def route(){returns}:
            return None
    """)
    assert summary.response_models.get("route") == expected


def test_a_response_annotation_that_is_not_a_class_name_is_unknown():
    node = ast.parse("x: list[list[Out]]").body[0]
    assert response_model(node.annotation, AstRefs(ScopeStack({}))) is None


def test_model_columns_are_the_mapped_attributes_of_the_class_body():
    tree = ast.parse(textwrap.dedent("""
        class Item(Base):
            __tablename__ = "items"
            id: Mapped[int] = mapped_column(primary_key=True)
            name: Mapped[str]
            price = Column(Float)
            total = column_property(price * 2)
            notes: Mapped[str] = deferred(Column(Text))
            owner: Mapped["User"] = relationship()
            cache: dict = {}
    """))
    facts = model_facts(tree.body[0])
    assert facts.columns == {"id", "name", "price", "total"}
    assert set(facts.relationships) == {"owner"}


def test_every_annotated_field_of_a_sqlmodel_table_is_a_column_but_class_vars():
    tree = ast.parse(textwrap.dedent("""
        class Hero(SQLModel, table=True):
            id: Optional[int] = Field(default=None, primary_key=True)
            name: str
            registry: ClassVar[dict]
            team: Optional["Team"] = Relationship()
    """))
    assert model_facts(tree.body[0]).columns == {"id", "name"}


# -- findings across modules ---------------------------------------------------------------------
DATABASE = """
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

    engine = create_async_engine("sqlite+aiosqlite:///app.db")
    Expiring = async_sessionmaker(engine)
"""
MODELS = """
    from sqlalchemy import ForeignKey
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

    class Base(DeclarativeBase):
        pass

    class Author(Base):
        __tablename__ = "author"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str]
        books: Mapped[list["Book"]] = relationship()

    class Book(Base):
        __tablename__ = "book"
        id: Mapped[int] = mapped_column(primary_key=True)
        author_id: Mapped[int] = mapped_column(ForeignKey("author.id"))
"""
BASE_SCHEMA = """
    from pydantic import BaseModel, ConfigDict

    class OrmSchema(BaseModel):
        model_config = ConfigDict(from_attributes=True)
"""
SCHEMAS = """
    from app.base import OrmSchema

    class AuthorOut(OrmSchema):
        display: str = "?"
        name: str

    class AuthorBooks(AuthorOut):
        books: list[dict]
"""
SERVICES = """
    def author_card(author, title="Author"):
        return f"{title}: {author.name}"
"""
ROUTES = """
    from fastapi import APIRouter
    from app.database import Expiring
    from app.models import Author
    from app.schemas import AuthorOut, AuthorBooks
    from app.services import author_card
    from app import schemas

    router = APIRouter()

    @router.post("/authors", response_model=AuthorOut)
    async def create():
        async with Expiring() as s:
            author = Author(name="ann")
            s.add(author)
            await s.commit()
            card = author_card(author)
            return author

    @router.get("/authors/{aid}")
    async def read(aid: int) -> schemas.AuthorBooks:
        async with Expiring() as s:
            author = await s.get(Author, aid)
            AuthorOut.model_validate(author)
            return author
"""


def _project(tmp_path, **overrides):
    files = {"app/database.py": DATABASE, "app/models.py": MODELS, "app/base.py": BASE_SCHEMA,
             "app/schemas.py": SCHEMAS, "app/services.py": SERVICES, "app/routes.py": ROUTES}
    write_project(tmp_path, {**files, **overrides})
    return lint(tmp_path, "app/routes.py")


def test_schema_base_model_and_helper_in_other_modules(tmp_path):
    findings = _project(tmp_path)
    assert codes(findings) == [("routes.py", 17, "AL205"), ("routes.py", 18, "AL205"),
                               ("routes.py", 25, "AL204")]
    messages = sorted((f.line, f.message) for f in findings)
    # The base's from_attributes and the field order across classes: `display` is no column.
    assert messages[0][1].startswith(
        "`author.name` is read by `author_card()` (") and "services.py:2)" in messages[0][1]
    assert messages[1][1].startswith("`author.name` is read by the response model `AuthorOut` after")
    assert messages[2][1].startswith(
        "`author.books` read by the response model `AuthorBooks` lazy-loads the Author.books")


def test_a_schema_whose_base_is_not_known_is_silent(tmp_path):
    base = BASE_SCHEMA.replace("class OrmSchema(BaseModel):", "class OrmSchema(ExternalModel):")
    base = base.replace("from pydantic import", "from external import ExternalModel\nfrom pydantic import")
    assert codes(_project(tmp_path, **{"app/base.py": base})) == [("routes.py", 17, "AL205")]


def test_a_helper_that_reads_only_sometimes_is_silent(tmp_path):
    services = """
        def author_card(author, title=None):
            return f"{title}: {author.name}" if title else "?"
    """
    assert codes(_project(tmp_path, **{"app/services.py": services})) == [
        ("routes.py", 18, "AL205"), ("routes.py", 25, "AL204")]


@pytest.mark.parametrize(
    ("mapper_args", "server_columns"),
    [
        ("", {"edited"}),
        ("__mapper_args__ = {'polymorphic_identity': 'doc'}", {"edited"}),
        ("__mapper_args__ = {'eager_defaults': False}", {"edited"}),
        ("__mapper_args__ = {'eager_defaults': True}", set()),
        ("__mapper_args__ = MAPPER_ARGS", set()),
        ("__mapper_args__ = {**BASE_ARGS}", set()),
        ("@declared_attr\n    def __mapper_args__(cls):\n        return {}", set()),
    ],
    ids=["none", "other-args", "false", "true", "a-name", "unpacked", "declared-attr"],
)
def test_eager_defaults_on_the_model_leaves_no_column_for_the_update_to_expire(mapper_args, server_columns):
    text = (
        "class Doc(Base):\n    __tablename__ = 'docs'\n"
        f"    {mapper_args}\n"
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
        "    edited: Mapped[str] = mapped_column(onupdate=func.now())\n"
    )
    assert model_facts(ast.parse(text).body[0]).server_columns == server_columns

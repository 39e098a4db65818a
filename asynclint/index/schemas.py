"""Pydantic schema facts: the attributes validating an object reads, and whether it reads them.

`Schema.model_validate(obj)` with `from_attributes` (and FastAPI's response validation, which
always passes `from_attributes=True`) reads every field of the schema from the object with
`getattr`; on an expired ORM instance, or a lazy relationship, that read is an implicit load
(AL204/AL205). A summary records each class's own facts (fields, config, bases as resolved
names); `resolve` walks the bases across modules when a rule asks. A class is a schema only
when every base is known to be a pydantic model (`pydantic.BaseModel`, `sqlmodel.SQLModel`,
or a project schema): a base that is an unknown name or an expression makes it unknown.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass

from asynclint.index.ast_refs import AstRefs, dotted


@dataclass(frozen=True)
class SchemaFacts:
    """A class as written, before its bases are known: possibly a pydantic model."""

    bases: tuple[str, ...]  # qualified names; "" for a base that is not a plain name
    # the attributes validation reads from an object, in field order (a literal alias
    # replaces the name; a field with an alias that is not a literal is left out)
    fields: tuple[str, ...]
    from_attributes: bool | None  # set in this class (model_config, Config, class keyword)
    orm_mode: bool | None  # pydantic v1's `class Config: orm_mode = True`
    # What it reads is not known: a config that is not literal, an alias generator, a
    # validator that sees the raw object (`mode="before"`), its own model_validate.
    opaque: bool = False


@dataclass(frozen=True)
class Schema:
    """A resolved pydantic model: what validating an object with it reads."""

    fields: tuple[str, ...]
    # The config along the bases, the nearest setting first (None: not set anywhere).
    from_attributes_setting: bool | None
    orm_mode_setting: bool | None
    v1: bool  # a pydantic.v1 model: FastAPI reads attributes only with orm_mode

    @property
    def from_attributes(self) -> bool:
        """`model_validate(obj)` (pydantic v2) reads attributes without being asked."""
        return bool(self.from_attributes_setting)

    @property
    def orm_mode(self) -> bool:
        """`from_orm(obj)` reads attributes: v1 with `orm_mode`, v2 with `from_attributes`."""
        return bool(self.orm_mode_setting) or self.from_attributes

    @property
    def response_reads(self) -> bool:
        """FastAPI's response validation reads attributes: always with pydantic v2 (it passes
        `from_attributes=True`), only with `orm_mode` on a pydantic.v1 model."""
        return self.orm_mode if self.v1 else True


# Root classes: (v1, from_attributes by default). SQLModel's base config sets from_attributes.
ROOTS: dict[str, Schema] = {
    "pydantic.BaseModel": Schema((), None, None, False),
    "pydantic.main.BaseModel": Schema((), None, None, False),
    "pydantic.v1.BaseModel": Schema((), None, None, True),
    "pydantic.v1.main.BaseModel": Schema((), None, None, True),
    "sqlmodel.SQLModel": Schema((), True, None, False),
    "sqlmodel.main.SQLModel": Schema((), True, None, False),
}
_NEUTRAL_BASES = frozenset({"abc.ABC", "builtins.object"})
_CONFIG_CALLS = frozenset({"ConfigDict", "SQLModelConfig", "dict"})
_RAW_VALIDATORS = frozenset({"model_validator", "root_validator"})
_OWN_VALIDATION = frozenset({"model_validate", "from_orm", "__get_pydantic_core_schema__"})
_MAX_DEPTH = 16
_SEQUENCES = frozenset({"builtins.list", "typing.List", "typing.Sequence", "collections.abc.Sequence"})
_OPTIONAL = frozenset({"typing.Optional", "typing_extensions.Optional"})


@dataclass(frozen=True)
class ResponseModel:
    """A route's response model as written: `Schema`, or `list[Schema]` (many)."""

    schema: str  # qualified name of the class
    many: bool = False


def response_model(node: ast.expr | None, refs: AstRefs) -> ResponseModel | None:
    """`Schema`, `Schema | None`, `Optional[Schema]`, `list[Schema]` (or List, Sequence)."""
    many = False
    for _ in range(3):
        if node is None:
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                node = ast.parse(node.value, mode="eval").body
            except SyntaxError:
                return None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            node = node.right if _is_none(node.left) else node.left if _is_none(node.right) else None
        elif isinstance(node, ast.Subscript):
            outer = refs.qualified(node.value)
            if outer in _SEQUENCES and not many:
                many = True
            elif outer not in _OPTIONAL:
                return None
            node = node.slice
        else:
            break
    qualified = refs.qualified(node) if node is not None else None
    return ResponseModel(qualified, many) if qualified is not None else None


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def schema_facts(node: ast.ClassDef, refs: AstRefs) -> SchemaFacts | None:
    """Facts of a class with bases (a class without any cannot be a pydantic model)."""
    if not node.bases:
        return None
    bases = tuple(refs.qualified(base) or "" for base in node.bases)
    config = _Config()
    for keyword in node.keywords:  # `class S(BaseModel, from_attributes=True)`
        config.setting(keyword.arg, keyword.value)
    fields: list[str] = []
    for stmt in node.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            name = stmt.target.id
            if name == "model_config":
                config.model_config(stmt.value)
            elif not name.startswith("_") and not _is_class_var(stmt.annotation):
                read = _read_name(name, stmt.annotation, stmt.value)
                if read is not None:
                    fields.append(read)
        elif isinstance(stmt, ast.Assign):
            if any(isinstance(t, ast.Name) and t.id == "model_config" for t in stmt.targets):
                config.model_config(stmt.value)
        elif isinstance(stmt, ast.ClassDef) and stmt.name == "Config":
            config.config_class(stmt)
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if stmt.name in _OWN_VALIDATION or any(_raw_validator(d) for d in stmt.decorator_list):
                config.opaque = True
    return SchemaFacts(bases, tuple(fields), config.from_attributes, config.orm_mode, config.opaque)


class _Config:
    def __init__(self) -> None:
        self.from_attributes: bool | None = None
        self.orm_mode: bool | None = None
        self.opaque = False

    def setting(self, key: str | None, value: ast.expr) -> None:
        if key is None or key == "alias_generator":
            self.opaque = True  # `**options`, or every field read under another name
        elif key in ("from_attributes", "orm_mode"):
            flag = value.value if isinstance(value, ast.Constant) else None
            if not isinstance(flag, bool):
                self.opaque = True
            elif key == "from_attributes":
                self.from_attributes = flag
            else:
                self.orm_mode = flag

    def model_config(self, value: ast.expr | None) -> None:
        """`model_config = ConfigDict(...)` or a dict literal; anything else is not known."""
        if isinstance(value, ast.Call) and _short(value.func) in _CONFIG_CALLS and not value.args:
            for keyword in value.keywords:
                self.setting(keyword.arg, keyword.value)
        elif isinstance(value, ast.Dict):
            for key, item in zip(value.keys, value.values):
                text = key.value if isinstance(key, ast.Constant) else None
                self.setting(text if isinstance(text, str) else None, item)
        else:
            self.opaque = True

    def config_class(self, node: ast.ClassDef) -> None:
        """`class Config:` (pydantic v1, still read by v2 with a warning)."""
        if any(_short(base) != "BaseConfig" for base in node.bases):
            self.opaque = True  # settings inherited from a class not known here
        for stmt in node.body:
            if isinstance(stmt, ast.Assign):
                for target in stmt.targets:
                    if isinstance(target, ast.Name):
                        self.setting(target.id, stmt.value)


def _short(node: ast.expr) -> str | None:
    parts = dotted(node)
    return parts[-1] if parts else None


def _is_class_var(annotation: ast.expr) -> bool:
    node = annotation.value if isinstance(annotation, ast.Subscript) else annotation
    return _short(node) == "ClassVar"


def _raw_validator(decorator: ast.expr) -> bool:
    """A validator that receives the object before the fields are read from it."""
    call = decorator if isinstance(decorator, ast.Call) else None
    if _short(call.func if call else decorator) not in _RAW_VALIDATORS:
        return False
    modes = [k.value for k in (call.keywords if call else ()) if k.arg == "mode"]
    return not (modes and isinstance(modes[0], ast.Constant) and modes[0].value == "after")


def _read_name(name: str, annotation: ast.expr, value: ast.expr | None) -> str | None:
    """The attribute a field is read from: its alias when it has one (None: not known)."""
    calls = [value] if isinstance(value, ast.Call) else []
    if isinstance(annotation, ast.Subscript) and _short(annotation.value) == "Annotated":
        extras = annotation.slice.elts[1:] if isinstance(annotation.slice, ast.Tuple) else []
        calls += [extra for extra in extras if isinstance(extra, ast.Call)]
    read: str | None = name
    for call in calls:
        if _short(call.func) != "Field":
            continue
        keywords = {k.arg: k.value for k in call.keywords}
        if None in keywords:
            return None  # `Field(**options)`
        alias = keywords.get("validation_alias", keywords.get("alias"))
        if alias is not None:
            text = alias.value if isinstance(alias, ast.Constant) else None
            read = text if isinstance(text, str) else None
    return read


def resolve(qualified: str, lookup: Callable[[str], SchemaFacts | None], depth: int = 0) -> Schema | None:
    """The pydantic model named `qualified`, with its bases' fields and config; None when it is
    not known to be one."""
    root = ROOTS.get(qualified)
    if root is not None:
        return root
    facts = lookup(qualified)
    if facts is None or facts.opaque or depth > _MAX_DEPTH:
        return None
    parents = []
    for base in facts.bases:
        if base in _NEUTRAL_BASES:
            continue
        parent = resolve(base, lookup, depth + 1)
        if parent is None:
            return None
        parents.append(parent)
    if not parents:
        return None
    fields = list(dict.fromkeys(field for parent in parents for field in parent.fields))
    fields += [field for field in facts.fields if field not in fields]
    # The nearest setting wins: this class's, then its bases' in order (pydantic merges the
    # configs along the MRO).
    from_attributes = _nearest(facts.from_attributes, [p.from_attributes_setting for p in parents])
    orm_mode = _nearest(facts.orm_mode, [p.orm_mode_setting for p in parents])
    return Schema(tuple(fields), from_attributes, orm_mode, any(p.v1 for p in parents))


def _nearest(own: bool | None, inherited: list[bool | None]) -> bool | None:
    return next((value for value in (own, *inherited) if value is not None), None)

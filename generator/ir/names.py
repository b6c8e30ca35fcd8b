"""A variant's naming policy: which case each kind of name takes, and which names are taken.

The rules themselves live in :mod:`generator.naming`; this binds them to one variant's manifest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..naming import Language, unique


@dataclass(frozen=True)
class Naming:
    language: Language
    model_case: str = "pascal"
    field_case: str = "snake"  # or "original": keep the JSON name (quoted where needed)
    enum_member_case: str = "constant"
    method_case: str = "snake"
    resource_case: str = "snake"
    parameter_case: str = "snake"
    reserved_models: frozenset[str] = field(default_factory=frozenset)
    reserved_fields: frozenset[str] = field(default_factory=frozenset)
    reserved_parameters: frozenset[str] = field(default_factory=frozenset)
    reserved_members: frozenset[str] = field(default_factory=frozenset)

    def model(self, raw: str) -> str:
        name = self.language.identifier(raw, self.model_case, fallback="model")
        # A keyword (`None` -> `None_`) becomes `NoneModel` too: class names never end in `_`,
        # which datamodel-code-generator would strip.
        base = name.removesuffix("_")
        is_keyword = base != name and base in self.language.reserved
        return f"{base}Model" if is_keyword or name in self.reserved_models else name

    def enum_member(self, raw: str) -> str:
        name = self.language.identifier(raw, self.enum_member_case, fallback="value")
        return f"{name}_" if name in self.reserved_members else name

    def fields(self, raws: Sequence[str]) -> list[str]:
        if self.field_case == "original":
            return list(raws)
        wanted = [
            self._avoid(
                self.language.identifier(raw, self.field_case, fallback="field"),
                self.reserved_fields,
            )
            for raw in raws
        ]
        # A member whose JSON name is already its field name keeps it; no other field may take
        # another member's JSON name, or a model that also reads fields by name (pydantic's
        # validate_by_name) would read `{"foo_bar": 1}` into both `foo_bar` (alias "fooBar")
        # and the field whose alias is "foo_bar".
        names = [w if w == raw else "" for w, raw in zip(wanted, raws, strict=True)]
        for index, (name, raw) in enumerate(zip(wanted, raws, strict=True)):
            if not names[index]:
                others = [r for r in raws if r != raw]
                names[index] = unique([name], taken=[*names, *others])[0]
        return names

    def parameters(self, raws: Sequence[str]) -> list[str]:
        """Argument names of one method: distinct, and clear of the method's own arguments."""
        wanted = [
            self.language.identifier(raw, self.parameter_case, fallback="param") for raw in raws
        ]
        return unique(wanted, taken=self.reserved_parameters)

    def method(self, raw: str) -> str:
        return self.language.identifier(raw, self.method_case, fallback="call", member=True)

    def resource(self, raw: str) -> str:
        return self.language.identifier(raw, self.resource_case, fallback="resource", member=True)

    def resource_class(self, raw: str) -> str:
        return self.language.identifier(raw, "pascal", fallback="resource")

    def module(self, raw: str) -> str:
        return self.language.identifier(raw, "snake", fallback="module")

    @staticmethod
    def _avoid(name: str, reserved: frozenset[str]) -> str:
        return f"{name}_" if name in reserved else name

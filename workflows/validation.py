"""Validation of contact data, in one place for GraphQL mutations and the CSV import.

- E-mail: syntax checked and normalised by ``email-validator`` (no DNS lookup: deliverability
  is not checked, so validation never depends on the network).
- Phone: parsed by ``phonenumbers`` with a default region for numbers written without a
  ``+country`` prefix, must be a valid number, stored in E.164 (``+4930123456``).
- Postal code: plausible for the country, by the regular expressions in ``POSTAL_CODES``
  (the countries Frontdesk knows how to check); for any other valid ISO 3166-1 alpha-2 country
  a generic shape is accepted (2 to 10 letters, digits, spaces or dashes).
- Text: trimmed; blank means absent; every field has a length cap (``LIMITS``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from workflows.problems import Problem, ProblemCode

DEFAULT_PHONE_REGION = "DE"

LIMITS: dict[str, int] = {
    "customer_number": 32,
    "name": 200,
    "title": 200,
    "company": 200,
    "email": 254,
    "phone": 40,
    "source": 100,
    "owner": 100,
    "street": 200,
    "city": 100,
    "postal_code": 20,
    "region": 100,
    "country": 2,
    "notes": 5000,
    "subject": 300,
    "body": 20000,
    "note": 2000,
    "lost_reason": 2000,
    "resolution": 5000,
    "assignee": 100,
}
"""Maximum length (characters, after trimming) of each text field."""

POSTAL_CODES: dict[str, re.Pattern[str]] = {
    "AT": re.compile(r"\d{4}"),
    "BE": re.compile(r"\d{4}"),
    "CA": re.compile(r"[A-Z]\d[A-Z] ?\d[A-Z]\d"),
    "CH": re.compile(r"\d{4}"),
    "DE": re.compile(r"\d{5}"),
    "DK": re.compile(r"\d{4}"),
    "ES": re.compile(r"\d{5}"),
    "FR": re.compile(r"\d{5}"),
    "GB": re.compile(r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}"),
    "IE": re.compile(r"[A-Z]\d[\dW] ?[A-Z\d]{4}"),
    "IT": re.compile(r"\d{5}"),
    "LU": re.compile(r"\d{4}"),
    "NL": re.compile(r"\d{4} ?[A-Z]{2}"),
    "PL": re.compile(r"\d{2}-\d{3}"),
    "PT": re.compile(r"\d{4}-\d{3}"),
    "SE": re.compile(r"\d{3} ?\d{2}"),
    "US": re.compile(r"\d{5}(-\d{4})?"),
}
"""Postal code shapes per country (upper-cased input must match the whole pattern)."""
GENERIC_POSTAL_CODE = re.compile(r"[A-Z\d][A-Z\d -]{0,8}[A-Z\d]")
ADDRESS_FIELDS = ("street", "city", "postal_code", "region", "country")


@dataclass(frozen=True, slots=True)
class ContactRules:
    """Settings the checks depend on."""

    default_phone_region: str = DEFAULT_PHONE_REGION


def email_problem(value: str) -> tuple[str | None, str | None]:
    """``(normalised e-mail, None)`` or ``(None, why it is not an e-mail address)``."""
    try:
        result = validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        return None, f"not a valid e-mail address: {exc}"
    return result.normalized, None


def phone_problem(value: str, region: str) -> tuple[str | None, str | None]:
    """``(E.164 number, None)`` or ``(None, why it is not a phone number)``."""
    try:
        parsed = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None, "not a phone number"
    if not phonenumbers.is_valid_number(parsed):
        return None, "not a valid phone number (give +country code and number)"
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164), None


def postal_code_problem(code: str, country: str | None) -> str | None:
    """Why ``code`` is not a plausible postal code in ``country``, or None."""
    normalised = code.upper()
    pattern = POSTAL_CODES.get(country or "", GENERIC_POSTAL_CODE)
    if pattern.fullmatch(normalised):
        return None
    where = f"in {country}" if country else "(no country given)"
    return f"{code!r} is not a plausible postal code {where}"


@dataclass(slots=True)
class Checker:
    """Collects clean values and problems for one input; nothing raises."""

    rules: ContactRules = field(default_factory=ContactRules)
    prefix: tuple[str, ...] = ()
    problems: list[Problem] = field(default_factory=list)

    def fail(self, name: str, message: str, code: ProblemCode = ProblemCode.INVALID) -> None:
        self.problems.append(Problem(field=(*self.prefix, name), code=code, message=message))

    def text(self, name: str, value: str | None, *, required: bool = False) -> str | None:
        cleaned = value.strip() if value is not None else None
        if not cleaned:
            if required:
                self.fail(name, f"{name} is required")
            return None
        limit = LIMITS[name]
        if len(cleaned) > limit:
            self.fail(name, f"{name} is longer than {limit} characters")
            return None
        return cleaned

    def email(self, name: str, value: str | None) -> str | None:
        cleaned = self.text(name, value)
        if cleaned is None:
            return None
        normalised, why = email_problem(cleaned)
        if why:
            self.fail(name, why)
        return normalised

    def phone(self, name: str, value: str | None) -> str | None:
        cleaned = self.text(name, value)
        if cleaned is None:
            return None
        e164, why = phone_problem(cleaned, self.rules.default_phone_region)
        if why:
            self.fail(name, why)
        return e164

    def country(self, name: str, value: str | None) -> str | None:
        cleaned = self.text(name, value.upper() if value else value)
        if cleaned is None:
            return None
        if cleaned not in phonenumbers.SUPPORTED_REGIONS:
            self.fail(name, f"{cleaned!r} is not an ISO 3166-1 alpha-2 country code")
            return None
        return cleaned

    def postal_code(self, name: str, value: str | None, country: str | None) -> str | None:
        cleaned = self.text(name, value)
        if cleaned is None:
            return None
        why = postal_code_problem(cleaned, country)
        if why:
            self.fail(name, why)
            return None
        return cleaned.upper()

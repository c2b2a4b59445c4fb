"""Identity documents: when a passenger needs one, and what makes a passport valid.

A trip whose flights touch more than one country needs a passport for every
passenger (``itinerary.is_international``). A passport is valid for a trip
when its number is 5 to 20 letters or digits, it was issued by a country with
an ISO 3166-1 alpha-2 code, and it does not expire before the last flight
lands (nor before today). Messages never repeat the passport number: it is
masked everywhere it leaves the system.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from farebridge.domain.errors import ValidationFailed
from farebridge.domain.order import IdentityDocument

PASSPORT = "passport"
PASSPORT_NUMBER = re.compile(r"[A-Za-z0-9]{5,20}")

# ISO 3166-1 alpha-2, all 249 assigned codes, plus XK: Kosovo is user-assigned in
# the standard, but the EU and airlines use XK for the passports Kosovo issues.
_COUNTRY_CODES = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ
    BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
    CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ
    EC EE EG EH ER ES ET FI FJ FK FM FO FR
    GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU
    ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ
    LA LB LC LI LK LR LS LT LU LV LY
    MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ
    NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA
    RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ
    TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU
    WF WS YE YT ZA ZM ZW XK
"""
COUNTRY_CODES = frozenset(_COUNTRY_CODES.split())


def check_identity_documents(
    documents: Sequence[IdentityDocument],
    *,
    where: str,
    required: bool,
    valid_until: date,
    today: date,
) -> None:
    """``ValidationFailed`` naming ``{where}.identity_documents…`` unless every document
    is a passport valid until ``valid_until``, and there is one when ``required``."""
    field = f"{where}.identity_documents"
    for index, document in enumerate(documents):
        _check_passport(document, f"{field}[{index}]", valid_until=max(valid_until, today))
    if required and not documents:
        raise ValidationFailed(
            "This trip crosses a border: each passenger needs a passport "
            "(number, issuing country and expiry date).",
            field=field,
            code="identity_document_required",
        )


def _check_passport(document: IdentityDocument, field: str, *, valid_until: date) -> None:
    if document.type != PASSPORT:
        raise ValidationFailed(
            "Only passports are accepted.", field=f"{field}.type", code="unsupported_document"
        )
    if not PASSPORT_NUMBER.fullmatch(document.unique_identifier):
        raise ValidationFailed(
            "A passport number is 5 to 20 letters or digits.",
            field=f"{field}.unique_identifier",
            code="invalid_document_number",
        )
    if document.issuing_country_code not in COUNTRY_CODES:
        raise ValidationFailed(
            f"{document.issuing_country_code!r} is not an ISO 3166-1 country code.",
            field=f"{field}.issuing_country_code",
            code="unknown_country",
        )
    if document.expires_on < valid_until:
        raise ValidationFailed(
            f"The passport expires on {document.expires_on.isoformat()}; it must be valid "
            f"until {valid_until.isoformat()}.",
            field=f"{field}.expires_on",
            code="document_expires_too_soon",
        )

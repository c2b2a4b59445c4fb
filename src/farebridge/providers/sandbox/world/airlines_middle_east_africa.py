"""Airlines of the Middle East and Africa: IATA code, name, country, currency, ticket
prefix, alliance, hubs, the notable airports they serve, and their fleet. Facts written
down by hand; the timetable built from them is simulated."""

from __future__ import annotations

from farebridge.providers.sandbox.world.carriers import (
    ONEWORLD,
    SKYTEAM,
    STAR,
    Airline,
    codes,
    full_service,
)

MIDDLE_EAST_AFRICA: tuple[Airline, ...] = (
    Airline(
        *full_service("EK", "Emirates", "AE", "AED", "176", None),
        hubs=codes("DXB"),
        destinations=codes(
            "LHR LGW MAN CDG FRA MUC AMS MXP FCO MAD BCN ZRH IST ATH JFK EWR BOS IAD ORD "
            "DFW LAX SFO SEA YYZ GRU JNB CPT NBO BOM DEL BLR SIN BKK HKG NRT HND ICN SYD "
            "MEL AKL"
        ),
        fleet=codes("77W 388"),
    ),
    Airline(
        *full_service("QR", "Qatar Airways", "QA", "QAR", "157", ONEWORLD),
        hubs=codes("DOH"),
        destinations=codes(
            "LHR LGW MAN EDI CDG FRA MUC AMS MAD BCN FCO MXP ATH IST JFK ORD DFW IAD BOS LAX "
            "MIA YUL GRU JNB CPT NBO ADD BOM DEL BLR KTM CMB SIN BKK KUL HKG NRT SYD MEL PER"
        ),
        fleet=codes("320 789 359 77W 388"),
    ),
    Airline(
        *full_service("EY", "Etihad Airways", "AE", "AED", "607", None),
        hubs=codes("AUH"),
        destinations=codes(
            "LHR MAN CDG FRA MUC AMS BRU ZRH GVA MAD BCN FCO MXP ATH IST JFK ORD IAD BOS YYZ "
            "BOM DEL BLR MAA HYD COK TRV CMB KTM DAC MLE BKK SIN KUL CGK MNL HKG NRT ICN SYD"
        ),
        fleet=codes("320 321 789 77W 388"),
    ),
    Airline(
        *full_service("ET", "Ethiopian Airlines", "ET", "ETB", "071", STAR),
        hubs=codes("ADD"),
        destinations=codes(
            "NBO JNB CPT DAR EBB KGL LOS ABV ACC DKR ABJ LAD FIH HRE LUN MPM JUB KRT CAI DXB "
            "JED RUH BOM DEL BKK HKG CAN PEK NRT ICN LHR FRA BRU CDG FCO IAD EWR YYZ GRU"
        ),
        fleet=codes("DH4 738 789 359"),
    ),
    Airline(
        *full_service("SA", "South African Airways", "ZA", "ZAR", "083", STAR),
        hubs=codes("JNB"),
        destinations=codes(
            "CPT DUR PLZ ELS GRJ BFN HRE LUN MPM WDH GBE LAD ACC LOS FIH DAR NBO PER GRU"
        ),
        fleet=codes("E90 320 333"),
    ),
    Airline(
        *full_service("MS", "EgyptAir", "EG", "EGP", "077", STAR),
        hubs=codes("CAI"),
        destinations=codes(
            "HRG SSH LXR ASW ABS HBE JED RUH MED DMM DXB KWI AMM BEY IST ATH FCO MXP CDG FRA "
            "MUC LHR MAD BRU VIE JFK IAD YYZ NBO ADD LOS KRT DKR ACC JNB BKK PEK NRT BOM"
        ),
        fleet=codes("E75 320 738 789 77W"),
    ),
    Airline(
        *full_service("KQ", "Kenya Airways", "KE", "KES", "706", SKYTEAM),
        hubs=codes("NBO"),
        destinations=codes(
            "MBA KIS EDL EBB KGL DAR ZNZ JRO ADD JUB FIH LUN HRE JNB CPT MPM LLW DLA LOS ACC "
            "ABJ DKR BKK BOM DXB JED LHR AMS CDG JFK"
        ),
        fleet=codes("E90 738 789"),
    ),
    Airline(
        *full_service("AT", "Royal Air Maroc", "MA", "MAD", "147", ONEWORLD),
        hubs=codes("CMN"),
        destinations=codes(
            "RAK AGA FEZ TNG OUD NDR CDG ORY LYS MRS TLS BRU AMS FRA LHR MAD BCN LIS FCO MXP "
            "IST JFK IAD YUL MIA DKR ABJ LOS ACC BKO NKC TUN ALG CAI DOH"
        ),
        fleet=codes("AT7 738 789"),
    ),
)

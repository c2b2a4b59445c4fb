"""Airlines of Asia and the Pacific: IATA code, name, country, currency, ticket prefix,
alliance, hubs or bases, the notable airports they serve, and their fleet. Facts written
down by hand; the timetable built from them is simulated. The prefixes of IndiGo, AirAsia
and Scoot are sandbox-assigned (9xx)."""

from __future__ import annotations

from farebridge.providers.sandbox.world.carriers import (
    ONEWORLD,
    SKYTEAM,
    STAR,
    Airline,
    codes,
    full_service,
    low_cost,
)

_ONEWORLD_AND_STAR: tuple[Airline, ...] = (
    Airline(
        *full_service("QF", "Qantas", "AU", "AUD", "081", ONEWORLD),
        hubs=codes("SYD MEL PER"),
        destinations=codes(
            "BNE ADL CBR OOL CNS HBA DRW AKL CHC ZQN NAN SIN HKG HND NRT LAX DFW SFO HNL "
            "LHR JNB SCL DPS CGK MNL YVR"
        ),
        fleet=codes("DH4 738 333 789 388"),
    ),
    Airline(
        *full_service("JL", "Japan Airlines", "JP", "JPY", "131", ONEWORLD),
        hubs=codes("HND NRT"),
        destinations=codes(
            "CTS FUK OKA ITM KIX NGO HIJ KOJ SDJ ICN PVG PEK HKG TPE BKK SIN MNL SGN DEL "
            "SYD MEL LHR CDG FRA HEL JFK ORD DFW LAX SFO SEA BOS HNL YVR DOH"
        ),
        fleet=codes("E90 738 789 359 77W"),
    ),
    Airline(
        *full_service("CX", "Cathay Pacific", "HK", "HKD", "160", ONEWORLD),
        hubs=codes("HKG"),
        destinations=codes(
            "TPE NRT HND KIX NGO FUK ICN PEK PVG XMN CTU MNL BKK SIN KUL CGK DPS SGN HAN DEL "
            "BOM SYD MEL BNE PER AKL LHR MAN CDG FRA AMS ZRH MAD JFK BOS ORD LAX SFO YVR DXB"
        ),
        fleet=codes("320 321 359 77W"),
    ),
    Airline(
        *full_service("MH", "Malaysia Airlines", "MY", "MYR", "232", ONEWORLD),
        hubs=codes("KUL"),
        destinations=codes(
            "PEN LGK BKI KCH JHB SIN BKK HKT CGK DPS SUB MNL SGN HAN HKG TPE PVG PEK NRT HND "
            "KIX ICN DEL BOM MAA SYD MEL PER AKL LHR DOH JED"
        ),
        fleet=codes("AT7 738 333 359"),
    ),
    Airline(
        *full_service("SQ", "Singapore Airlines", "SG", "SGD", "618", STAR),
        hubs=codes("SIN"),
        destinations=codes(
            "LHR FRA MUC CDG AMS ZRH BCN MXP FCO CPH IST JFK EWR LAX SFO SEA YVR SYD MEL "
            "BNE PER AKL HND NRT KIX ICN HKG PEK PVG TPE BKK CGK DPS KUL MNL SGN DEL BOM "
            "DXB JNB"
        ),
        fleet=codes("738 789 359 77W 388"),
    ),
    Airline(
        *full_service("NH", "All Nippon Airways", "JP", "JPY", "205", STAR),
        hubs=codes("HND NRT"),
        destinations=codes(
            "CTS FUK OKA ITM KIX NGO HIJ KOJ SDJ KMJ ICN PVG PEK CAN HKG TPE BKK SIN KUL MNL "
            "CGK SGN HAN DEL LHR CDG FRA MUC JFK ORD IAD LAX SFO SEA IAH HNL YVR SYD"
        ),
        fleet=codes("DH4 738 321 789 77W"),
    ),
    Airline(
        *full_service("CA", "Air China", "CN", "CNY", "999", STAR),
        hubs=codes("PEK CTU"),
        destinations=codes(
            "PVG SHA CAN SZX XMN HGH NKG WUH CSX KMG XIY CKG URC HRB DLC TAO SYX HKG TPE ICN "
            "NRT KIX SIN BKK DEL LHR CDG FRA MUC MAD FCO ATH JFK IAD LAX SFO YVR SYD MEL"
        ),
        fleet=codes("320 321 738 789 77W"),
    ),
    Airline(
        *full_service("OZ", "Asiana Airlines", "KR", "KRW", "988", STAR),
        hubs=codes("ICN GMP"),
        destinations=codes(
            "CJU PUS KWJ NRT HND KIX FUK NGO CTS PVG PEK CAN HKG TPE BKK SIN SGN HAN MNL CGK "
            "DEL SYD LHR CDG FRA FCO BCN IST JFK LAX SFO SEA HNL"
        ),
        fleet=codes("321 333 359 77W 388"),
    ),
    Airline(
        *full_service("BR", "EVA Air", "TW", "TWD", "695", STAR),
        hubs=codes("TPE"),
        destinations=codes(
            "KHH NRT HND KIX FUK CTS NGO OKA ICN PVG PEK HKG MFM BKK SIN KUL CGK SGN HAN MNL "
            "DPS BNE LHR CDG AMS VIE MXP IST JFK LAX SFO SEA IAH ORD YVR YYZ"
        ),
        fleet=codes("321 333 789 77W"),
    ),
    Airline(
        *full_service("TG", "Thai Airways", "TH", "THB", "217", STAR),
        hubs=codes("BKK"),
        destinations=codes(
            "CNX HKT KBV USM CEI UTH KKC HDY SIN KUL CGK DPS MNL SGN HAN RGN KTI VTE HKG TPE "
            "PVG PEK CAN NRT HND KIX ICN DEL BOM MAA CMB KTM DAC SYD MEL PER LHR CDG FRA MUC"
        ),
        fleet=codes("AT7 320 359 77W"),
    ),
    Airline(
        *full_service("AI", "Air India", "IN", "INR", "098", STAR),
        hubs=codes("DEL BOM BLR"),
        destinations=codes(
            "MAA CCU HYD COK AMD GOI PNQ TRV ATQ JAI LKO PAT GAU IXB SXR VNS BBI IXC NAG DXB "
            "DOH SIN BKK KTM CMB LHR BHX FRA CDG AMS VIE JFK EWR ORD SFO YYZ SYD MEL NRT"
        ),
        fleet=codes("AT7 320 321 789 77W"),
    ),
    Airline(
        *full_service("NZ", "Air New Zealand", "NZ", "NZD", "086", STAR),
        hubs=codes("AKL WLG CHC"),
        destinations=codes(
            "ZQN DUD NSN NPE PMR ROT TRG NPL BHE IVC HLZ SYD MEL BNE OOL CNS ADL PER NAN RAR "
            "APW TBU NOU PPT HNL LAX SFO IAH ORD JFK YVR NRT HND SIN TPE"
        ),
        fleet=codes("AT7 320 789 77W"),
    ),
)

_SKYTEAM_AND_OTHERS: tuple[Airline, ...] = (
    Airline(
        *full_service("MU", "China Eastern Airlines", "CN", "CNY", "781", SKYTEAM),
        hubs=codes("PVG SHA KMG XIY"),
        destinations=codes(
            "PEK PKX CAN SZX CTU CKG WUH NKG HGH XMN TAO DLC HRB SYX KWE NNG LHW HKG TPE ICN "
            "GMP NRT HND KIX NGO FUK BKK SIN KUL SGN CGK DPS SYD MEL LHR CDG FRA AMS MAD JFK"
        ),
        fleet=codes("320 321 738 333 789 77W"),
    ),
    Airline(
        *full_service("KE", "Korean Air", "KR", "KRW", "180", SKYTEAM),
        hubs=codes("ICN GMP"),
        destinations=codes(
            "CJU PUS TAE KWJ RSU NRT HND KIX NGO FUK CTS PVG PEK CAN HKG TPE BKK SIN KUL CGK "
            "DPS SGN HAN MNL DEL SYD LHR CDG FRA AMS MAD FCO IST JFK ATL ORD DFW IAD LAX SFO"
        ),
        fleet=codes("738 321 333 789 77W 388"),
    ),
    Airline(
        *full_service("CI", "China Airlines", "TW", "TWD", "297", SKYTEAM),
        hubs=codes("TPE"),
        destinations=codes(
            "KHH NRT HND KIX NGO FUK CTS OKA ICN PVG PEK CAN HKG BKK SIN KUL CGK DPS SGN HAN "
            "MNL SYD BNE AKL FRA AMS FCO PRG VIE LAX SFO JFK SEA ONT HNL"
        ),
        fleet=codes("738 321 333 359 77W"),
    ),
    Airline(
        *full_service("GA", "Garuda Indonesia", "ID", "IDR", "126", SKYTEAM),
        hubs=codes("CGK DPS"),
        destinations=codes(
            "SUB UPG KNO PLM PKU PDG BPN BDJ PNK BTH BTJ SRG JOG SOC AMQ DJJ MDC LOP KOE SIN "
            "KUL BKK HKG NRT HND KIX ICN PVG PEK SYD MEL PER AMS JED MED"
        ),
        fleet=codes("AT7 738 333 77W"),
    ),
    Airline(
        *full_service("VN", "Vietnam Airlines", "VN", "VND", "738", SKYTEAM),
        hubs=codes("HAN SGN DAD"),
        destinations=codes(
            "CXR PQC HPH HUI VDO VII VCA DLI UIH BMV SIN BKK KUL CGK MNL RGN KTI SAI VTE HKG "
            "TPE PVG PEK CAN ICN NRT HND KIX NGO FUK SYD MEL LHR CDG FRA MUC SFO"
        ),
        fleet=codes("AT7 321 789 359"),
    ),
    Airline(
        *full_service("CZ", "China Southern Airlines", "CN", "CNY", "784", None),
        hubs=codes("CAN PKX URC"),
        destinations=codes(
            "SHA PVG SZX CTU CKG WUH CSX NKG HGH XMN KMG XIY HAK SYX KWL NNG DLC SHE HRB CGQ "
            "TSN HKG TPE ICN NRT KIX BKK SIN KUL CGK DPS SGN HAN MNL DEL SYD MEL AKL LHR CDG"
        ),
        fleet=codes("320 321 738 333 789 77W"),
    ),
    Airline(
        *full_service("VA", "Virgin Australia", "AU", "AUD", "795", None),
        hubs=codes("BNE SYD MEL"),
        destinations=codes(
            "ADL PER CBR OOL CNS HBA DRW TSV MKY LST BME NTL MCY PPP ROK ISA NAN DPS APW AKL ZQN"
        ),
        fleet=codes("E90 738"),
    ),
    Airline(
        *low_cost("6E", "IndiGo", "IN", "INR", "964"),
        hubs=codes("DEL BOM BLR HYD CCU MAA"),
        destinations=codes(
            "AMD PNQ GOI COK TRV CCJ IXE LKO PAT VNS JAI IXC SXR GAU BBI RPR NAG IDR BDQ IXZ "
            "DXB AUH DOH MCT KWI JED BKK SIN KUL CMB MLE KTM DAC IST"
        ),
        fleet=codes("320Y 321Y"),
    ),
    Airline(
        *low_cost("AK", "AirAsia", "MY", "MYR", "965"),
        hubs=codes("KUL BKI KCH PEN"),
        destinations=codes(
            "LGK JHB TWU SDK MYY SBW BTU SIN BKK DMK HKT CNX KBV CGK DPS SUB MES MNL CEB SGN "
            "HAN DAD KTI SAI RGN DAC CCU MAA COK HKG MFM TPE CAN SZX"
        ),
        fleet=codes("320Y 321Y"),
    ),
    Airline(
        *low_cost("TR", "Scoot", "SG", "SGD", "966"),
        hubs=codes("SIN"),
        destinations=codes(
            "BKK DMK HKT CNX KUL PEN KCH CGK DPS SUB MNL CEB CRK SGN HAN DAD KTI SAI RGN MAA "
            "COK TRZ HKG TPE KHH ICN NRT KIX OKA CAN PER OOL SYD MEL"
        ),
        fleet=codes("320Y 789"),
    ),
)

ASIA_PACIFIC: tuple[Airline, ...] = _ONEWORLD_AND_STAR + _SKYTEAM_AND_OTHERS

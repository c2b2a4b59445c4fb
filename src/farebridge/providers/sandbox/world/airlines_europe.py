"""Airlines of Europe (and Türkiye): IATA code, name, country, currency, ticket prefix,
alliance, hubs or bases, the notable airports they serve, and their fleet. Facts written
down by hand; the timetable built from them is simulated. Low-cost carriers do not issue
IATA tickets: the prefixes of Ryanair, easyJet, Wizz Air, Vueling and Eurowings are
sandbox-assigned (9xx)."""

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

EUROPE: tuple[Airline, ...] = (
    Airline(
        *full_service("BA", "British Airways", "GB", "GBP", "125", ONEWORLD),
        hubs=codes("LHR LGW"),
        destinations=codes(
            "JFK BOS IAD ORD DFW MIA LAX SFO SEA YYZ DXB DOH SIN HND HKG BOM DEL JNB CPT "
            "CDG AMS FRA MUC MAD BCN FCO MXP ATH LIS GVA ZRH CPH ARN OSL DUB EDI GLA MAN NCE"
        ),
        fleet=codes("320 321 E90 789 77W 388"),
    ),
    Airline(
        *full_service("IB", "Iberia", "ES", "EUR", "075", ONEWORLD),
        hubs=codes("MAD"),
        destinations=codes(
            "LHR CDG FCO MXP FRA MUC AMS BRU LIS OPO BCN AGP SVQ PMI VLC BIO LPA TFN "
            "JFK ORD MIA BOS LAX MEX BOG LIM EZE GRU SCL HAV SJO DOH"
        ),
        fleet=codes("CR9 320 321 359"),
    ),
    Airline(
        *full_service("AY", "Finnair", "FI", "EUR", "105", ONEWORLD),
        hubs=codes("HEL"),
        destinations=codes(
            "ARN OSL CPH RIX TLL VNO OUL RVN KTT IVL LHR CDG FRA MUC AMS ZRH BRU MAD BCN FCO "
            "MXP PRG WAW BUD DUB JFK ORD DFW NRT HND KIX ICN BKK SIN DEL"
        ),
        fleet=codes("AT7 E90 320 321 359"),
    ),
    Airline(
        *full_service("LH", "Lufthansa", "DE", "EUR", "220", STAR),
        hubs=codes("FRA MUC"),
        destinations=codes(
            "LHR CDG AMS BRU ZRH GVA VIE CPH ARN HEL WAW PRG BUD MAD BCN LIS FCO MXP ATH "
            "DXB BER HAM STR JFK EWR ORD IAD BOS SFO LAX YYZ SIN BKK PVG HND ICN DEL GRU "
            "MEX JNB"
        ),
        fleet=codes("CR9 E90 320 321 359 789 388"),
    ),
    Airline(
        *full_service("LX", "Swiss International Air Lines", "CH", "CHF", "724", STAR),
        hubs=codes("ZRH GVA"),
        destinations=codes(
            "LHR LCY MAN CDG NCE AMS BRU FRA MUC BER HAM VIE CPH ARN OSL MAD BCN LIS FCO NAP "
            "ATH PRG WAW BUD JFK EWR BOS ORD MIA LAX SFO YUL BOM DEL BKK SIN HKG NRT GRU JNB"
        ),
        fleet=codes("E90 320 321 333 77W"),
    ),
    Airline(
        *full_service("OS", "Austrian Airlines", "AT", "EUR", "257", STAR),
        hubs=codes("VIE"),
        destinations=codes(
            "GRZ INN SZG KLU LHR CDG FRA MUC ZRH AMS BRU BER HAM CPH ARN MAD BCN FCO VCE MXP "
            "ATH PRG WAW BUD OTP SOF BEG ZAG IST TLV JFK EWR ORD IAD BKK NRT PEK"
        ),
        fleet=codes("DH4 E90 320 321 789"),
    ),
    Airline(
        *full_service("TP", "TAP Air Portugal", "PT", "EUR", "047", STAR),
        hubs=codes("LIS OPO"),
        destinations=codes(
            "FAO FNC PDL MAD BCN SVQ CDG ORY LYS NCE LHR MAN DUB AMS BRU FRA MUC ZRH GVA FCO "
            "MXP JFK EWR BOS IAD MIA ORD SFO YYZ GRU GIG REC SSA FOR BSB CMN LAD MPM DKR"
        ),
        fleet=codes("AT7 E90 320 321 333"),
    ),
    Airline(
        *full_service("LO", "LOT Polish Airlines", "PL", "PLN", "080", STAR),
        hubs=codes("WAW"),
        destinations=codes(
            "KRK GDN WRO KTW POZ RZE SZZ LHR CDG FRA MUC AMS BRU ZRH VIE PRG BUD VNO RIX TLL "
            "HEL CPH ARN OSL BCN FCO MXP ATH TLV JFK EWR ORD YYZ ICN NRT DEL"
        ),
        fleet=codes("DH4 E75 E90 738 789"),
    ),
    Airline(
        *full_service("TK", "Turkish Airlines", "TR", "TRY", "235", STAR),
        hubs=codes("IST"),
        destinations=codes(
            "ESB ADB AYT DLM BJV TZX ADA VAN DIY LHR CDG FRA MUC AMS BRU ZRH VIE MAD BCN FCO "
            "ATH JFK ORD IAD LAX IAH TLV CAI DXB DOH JED TBS GYD BKK SIN NRT ICN PEK DEL JNB"
        ),
        fleet=codes("E90 738 321 333 789 77W"),
    ),
    Airline(
        *full_service("AF", "Air France", "FR", "EUR", "057", SKYTEAM),
        hubs=codes("CDG"),
        destinations=codes(
            "LHR AMS FRA MUC BCN MAD LIS FCO MXP VCE NCE TLS MRS LYS GVA ATH CPH ARN JFK "
            "EWR BOS IAD ATL ORD LAX SFO MIA YUL YYZ MEX GRU DXB SIN HND ICN PEK PVG DEL "
            "BOM JNB"
        ),
        fleet=codes("CR9 E90 320 321 359 77W"),
    ),
    Airline(
        *full_service("KL", "KLM Royal Dutch Airlines", "NL", "EUR", "074", SKYTEAM),
        hubs=codes("AMS"),
        destinations=codes(
            "LHR CDG FRA MUC BCN MAD LIS FCO MXP CPH ARN OSL HEL DUB MAN EDI ZRH GVA VIE "
            "PRG WAW BUD ATH JFK ATL DTW ORD LAX SFO SEA YYZ YVR MEX GRU SIN NRT ICN PVG "
            "DEL JNB"
        ),
        fleet=codes("E75 E90 738 789 77W"),
    ),
    Airline(
        *full_service("SK", "SAS Scandinavian Airlines", "SE", "SEK", "117", SKYTEAM),
        hubs=codes("CPH ARN OSL"),
        destinations=codes(
            "GOT MMX LLA UME BGO SVG TRD TOS BOO AAL BLL HEL TLL RIX VNO GDN LHR MAN DUB CDG "
            "AMS BRU FRA MUC ZRH VIE NCE BCN MAD AGP ALC PMI FCO ATH KEF JFK EWR ORD LAX MIA"
        ),
        fleet=codes("AT7 CR9 320 321 359"),
    ),
    Airline(
        *low_cost("FR", "Ryanair", "IE", "EUR", "953"),
        hubs=codes("STN DUB BGY CRL MAN"),
        destinations=codes(
            "AGP ALC PMI FAO BCN VLC SVQ TFS ACE LPA FUE CIA PSA BLQ NAP TSF BRI CTA KRK WMI "
            "GDN BUD VIE OPO LIS MLA ATH CHQ RHO EDI GLA BER HHN NRN MRS BVA TLS"
        ),
        fleet=codes("738Y"),
    ),
    Airline(
        *low_cost("U2", "easyJet", "GB", "GBP", "888"),
        hubs=codes("LGW LTN BRS MAN GVA"),
        destinations=codes(
            "AMS CDG NCE BCN AGP ALC PMI FAO LIS OPO FCO MXP VCE NAP ATH HER RHO PRG BER CPH "
            "EDI GLA BFS INV JER MLA TFS ACE SPU DBV KRK BUD LYS BOD TLS BSL"
        ),
        fleet=codes("320Y 321Y"),
    ),
    Airline(
        *low_cost("W6", "Wizz Air", "HU", "EUR", "961"),
        hubs=codes("BUD OTP WAW KTW LTN SOF"),
        destinations=codes(
            "VIE GDN KRK WRO POZ IAS CLJ TSR VNO RIX KUT TBS EVN LCA TLV ATH HER RHO CFU BCN "
            "MAD LIS FCO CIA BGY NAP BRI BVA EIN DTM BER CPH OSL BLL MMX DXB AUH"
        ),
        fleet=codes("320Y 321Y"),
    ),
    Airline(
        *low_cost("VY", "Vueling", "ES", "EUR", "962"),
        hubs=codes("BCN ORY BIO AGP SVQ"),
        destinations=codes(
            "MAD PMI IBZ MAH ALC VLC LPA TFN TFS ACE SCQ VGO OVD SDR GRX LIS OPO FCO FLR NAP "
            "BLQ VCE MXP CTA PMO LHR LGW CDG NTE BOD TLS NCE AMS BRU ZRH GVA CPH ATH TLV"
        ),
        fleet=codes("320Y 321Y"),
    ),
    Airline(
        *low_cost("EW", "Eurowings", "DE", "EUR", "963"),
        hubs=codes("DUS CGN HAM STR BER"),
        destinations=codes(
            "MUC PMI AGP ALC BCN IBZ LPA TFS FUE FAO LIS OPO FCO NAP CTA OLB VCE VIE PRG BUD "
            "SPU DBV ZAG HER RHO CFU SKG ATH AYT ADB LHR MAN DUB EDI CPH ARN OSL"
        ),
        fleet=codes("320Y"),
    ),
)

"""Airlines of the Americas: IATA code, name, country, currency, ticket prefix, alliance,
hubs or bases, the notable airports they serve, and their fleet. Facts written down by
hand; the timetable built from them is simulated."""

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

AMERICAS: tuple[Airline, ...] = (
    Airline(
        *full_service("AA", "American Airlines", "US", "USD", "001", ONEWORLD),
        hubs=codes("DFW CLT ORD MIA JFK PHL LAX"),
        destinations=codes(
            "LHR MAD BCN CDG FCO DUB HND NRT BOS LGA DCA ATL DEN SFO SEA LAS PHX MCO TPA AUS "
            "IAH MSY SAN BNA CUN MEX SJU GRU EZE BOG LIM SCL YYZ"
        ),
        fleet=codes("CR9 E75 738 321 789 77W"),
    ),
    Airline(
        *full_service("UA", "United Airlines", "US", "USD", "016", STAR),
        hubs=codes("ORD EWR IAH SFO DEN IAD LAX"),
        destinations=codes(
            "LHR FRA MUC CDG AMS ZRH BRU FCO DUB TLV NRT HND ICN SIN SYD MEL HKG PVG GRU MEX "
            "CUN LIM BOG YYZ YVR BOS LGA ATL SEA LAS PHX MCO MIA MSY AUS SAN PDX HNL DCA CLE"
        ),
        fleet=codes("E75 738 321 789 77W"),
    ),
    Airline(
        *full_service("DL", "Delta Air Lines", "US", "USD", "006", SKYTEAM),
        hubs=codes("ATL JFK DTW MSP SEA LAX SLC BOS"),
        destinations=codes(
            "LHR CDG AMS MAD FCO DUB HND ICN MEX CUN GRU LOS LGA ORD DFW MIA MCO DEN LAS PHX "
            "SFO SAN MSY AUS IAH DCA RDU TPA BNA"
        ),
        fleet=codes("CR9 E75 738 321 359 77W"),
    ),
    Airline(
        *full_service("AS", "Alaska Airlines", "US", "USD", "027", ONEWORLD),
        hubs=codes("SEA PDX ANC SFO LAX"),
        destinations=codes(
            "GEG BOI SLC DEN PHX LAS SAN SJC SMF BUR ONT PSP FAI JNU KTN SIT BET OME HNL OGG "
            "KOA LIH JFK BOS EWR IAD ORD DFW ATL MCO YVR MEX SJD PVR CUN"
        ),
        fleet=codes("E75 738"),
    ),
    Airline(
        *full_service("AC", "Air Canada", "CA", "CAD", "014", STAR),
        hubs=codes("YYZ YUL YVR YYC"),
        destinations=codes(
            "YOW YHZ YQB YWG YEG YXE YQR YLW YYJ YQM YYT LGA EWR BOS ORD IAD SFO LAX SEA MIA "
            "FLL MCO DEN LHR CDG FRA MUC ZRH GVA FCO ATH LIS MAD HND NRT ICN PVG HKG DEL SYD"
        ),
        fleet=codes("DH4 E75 CR9 320 321 789 77W"),
    ),
    Airline(
        *full_service("AM", "Aeroméxico", "MX", "MXN", "139", SKYTEAM),
        hubs=codes("MEX GDL MTY"),
        destinations=codes(
            "CUN TIJ SJD PVR MID VER OAX ACA HMO CUL CUU BJX ZIH TAM VSA TRC JFK LAX ORD MIA "
            "ATL DTW SFO SEA LAS PHX YYZ YUL BOG LIM SCL GRU EZE MAD CDG AMS NRT ICN"
        ),
        fleet=codes("E90 738 789"),
    ),
    Airline(
        *full_service("CM", "Copa Airlines", "PA", "USD", "230", STAR),
        hubs=codes("PTY"),
        destinations=codes(
            "DAV BOG MDE CLO CTG BAQ UIO GYE LIM SCL EZE GRU GIG MVD ASU CCS SJO SAL GUA TGU "
            "MGA MEX CUN HAV SDQ PUJ SJU KIN JFK MIA MCO LAX ORD IAD BOS DEN YYZ"
        ),
        fleet=codes("E90 738"),
    ),
    Airline(
        *full_service("AV", "Avianca", "CO", "COP", "134", STAR),
        hubs=codes("BOG SAL MDE"),
        destinations=codes(
            "CLO CTG BAQ BGA PEI SMR ADZ CUC LET MTR UIO GYE LIM SCL EZE GRU GIG PTY SJO GUA "
            "MEX CUN HAV JFK MIA FLL IAD LAX ORD MAD BCN LHR"
        ),
        fleet=codes("AT7 320 789"),
    ),
    Airline(
        *full_service("LA", "LATAM Airlines", "CL", "CLP", "045", None),
        hubs=codes("SCL LIM GRU BOG"),
        destinations=codes(
            "ANF CJC IQQ ARI CCP PMC PUQ ZCO CUZ AQP TRU PIU IQT JUL GIG BSB CNF POA FLN SSA "
            "REC FOR MAO BEL EZE MVD ASU UIO GYE MDE CTG CLO MIA JFK LAX MCO BOS MAD LIS FRA"
        ),
        fleet=codes("320 321 789 77W"),
    ),
    Airline(
        *low_cost("WN", "Southwest Airlines", "US", "USD", "526"),
        hubs=codes("DAL HOU MDW BWI DEN LAS PHX OAK ATL MCO BNA"),
        destinations=codes(
            "AUS SAT ELP LBB MAF AMA OKC TUL MSY STL MCI MKE CLE CMH PIT IND CVG SDF BHM JAN "
            "LIT MEM ABQ TUS SAN LAX BUR ONT SNA SMF SJC SEA PDX BOI SLC RNO FLL TPA RSW"
        ),
        fleet=codes("738Y"),
    ),
    Airline(
        *low_cost("B6", "JetBlue", "US", "USD", "279"),
        hubs=codes("JFK BOS FLL MCO"),
        destinations=codes(
            "LGA EWR DCA BWI PHL BUF ROC SYR BTV PWM ALB ORD DEN AUS LAS LAX LGB BUR SFO SJC "
            "SEA SLC PHX SAN TPA RSW PBI JAX SAV CHS RDU CLT MSY SJU STT SDQ PUJ MBJ NAS CUN"
        ),
        fleet=codes("320Y 321Y"),
    ),
    Airline(
        *low_cost("NK", "Spirit Airlines", "US", "USD", "487"),
        hubs=codes("FLL DTW LAS MCO"),
        destinations=codes(
            "ATL ORD DFW IAH MSY LGA EWR BWI PHL BOS CLE CMH PIT MSP DEN PHX LAX SAN OAK SEA "
            "SLC MCI TPA RSW MYR ACY CUN SJU MBJ GUA SAL SJO BOG LIM"
        ),
        fleet=codes("320Y 321Y"),
    ),
    Airline(
        *low_cost("G3", "GOL Linhas Aéreas", "BR", "BRL", "127"),
        hubs=codes("GRU CGH GIG BSB CNF"),
        destinations=codes(
            "SDU VCP POA CWB FLN NAT REC FOR SSA MCZ AJU JPA THE SLZ BEL MAO CGB CGR GYN PMW "
            "PVH RBR VIX IGU NVT JOI EZE AEP MVD ASU SCL LIM BOG PUJ CUN MIA MCO"
        ),
        fleet=codes("738Y"),
    ),
)

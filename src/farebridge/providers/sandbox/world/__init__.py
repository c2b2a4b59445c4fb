"""The world of the sandbox: airlines, airports, aircraft, the route network and its
timetable. Everything here is reference data or built deterministically from it
and the seed; nothing depends on a request or on the database."""

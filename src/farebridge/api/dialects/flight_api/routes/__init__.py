"""The flight_api dialect's routes, one module per resource."""

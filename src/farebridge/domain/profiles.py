"""A user's profile as the flight_api dialect (seed 002) knows it: a username to log
in with, first and last name, a mobile number and the small integer id that dialect
shows. The account itself (email, password, role) is the ordinary ``User``."""

from __future__ import annotations

from dataclasses import dataclass

USERNAME_MAX = 150
NAME_MAX = 150
MOBILE_MAX = 14


@dataclass(frozen=True, slots=True)
class Profile:
    user_id: str
    username: str
    first_name: str
    last_name: str
    mobile_no: str
    number: int = 0  # the dialect's integer id, given by the store

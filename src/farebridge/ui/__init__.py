"""The booking web site: Streamlit pages over a typed client of the farebridge API.

Nothing here imports the domain, services, store, providers or api packages;
every price, total and rule comes from the API.
"""

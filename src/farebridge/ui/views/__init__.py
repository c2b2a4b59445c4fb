"""One module per page or step of the booking journey."""

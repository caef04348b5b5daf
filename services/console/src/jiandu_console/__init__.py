"""Console: the pages people use (citizens, staff, members, departments, finance, operators).

It owns no domain data: every page calls the four services' APIs with the user's token and the
request's correlation id.
"""

SERVICE_NAME = "console"

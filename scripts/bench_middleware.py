"""For the benchmark's server only (scripts/bench.py writes it into the server's settings when
QUERY_COUNT_HEADER=1): never part of the app's own middleware."""

from django.db import connection


class QueryCountMiddleware:
    """Adds ``X-Query-Count``: the SQL queries the request made (sessions and all), which
    scripts/bench_ratio.py reports beside each page's time."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counted(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            response = self.get_response(request)
        response["X-Query-Count"] = str(count)
        return response

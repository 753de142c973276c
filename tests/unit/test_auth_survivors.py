"""Rules of ``auth.py`` that the ``auth`` mutation group's survivors (round nine) showed
untested: a secret holding a lone surrogate (an environment value of bytes that are not
UTF-8, which Python decodes with ``surrogateescape``) is redacted in every form without an
error, and the redacting log filter never drops a record it cannot format.

Each test was checked against its mutants planted by hand (TESTING.md).
"""

from __future__ import annotations

import logging

from ionworks_toolkit.auth import (
    _REDACTING_FILTER,
    HTTP_LIBRARY_LOGGERS,
    REDACTED,
    _RedactingFilter,
    redact_http_library_logs,
    redact_log_text,
    redact_secrets,
)

# b"abcd\xffefgh" read from the environment: os.environ decodes the byte 0xff as "\udcff".
SURROGATE_KEY = "abcd\udcffefgh"


def test_a_secret_with_a_lone_surrogate_is_redacted_in_every_form() -> None:
    text = (
        f"raw {SURROGATE_KEY}; JSON abcd\\udcffefgh; percent abcd%ED%B3%BFefgh; "
        "HTML abcd&#56575;efgh; hex abcd&#xdcff;efgh; other abcdXefgh"
    )
    assert redact_secrets(text, [SURROGATE_KEY]) == (
        f"raw {REDACTED}; JSON {REDACTED}; percent {REDACTED}; HTML {REDACTED}; "
        f"hex {REDACTED}; other abcdXefgh"
    )


def test_a_record_that_cannot_be_formatted_is_passed_on_unchanged() -> None:
    """logging reports a bad format itself (``--- Logging error ---``); the filter must not
    swallow the record, nor change it."""
    record = logging.LogRecord("httpx", logging.INFO, __file__, 1, "%d requests", ("x",), None)
    assert _RedactingFilter().filter(record) is True
    assert (record.msg, record.args) == ("%d requests", ("x",))


def test_a_clean_record_is_passed_on_with_its_arguments() -> None:
    record = logging.LogRecord(
        "httpx", logging.INFO, __file__, 1, "HTTP Request: %s %s", ("GET", "/x?a=1"), None
    )
    assert _RedactingFilter().filter(record) is True
    assert (record.msg, record.args) == ("HTTP Request: %s %s", ("GET", "/x?a=1"))


def test_a_record_with_a_secret_is_rewritten_without_arguments() -> None:
    record = logging.LogRecord(
        "httpx", logging.INFO, __file__, 1, "HTTP Request: %s %s", ("GET", "/x?api_key=k1"), None
    )
    assert _RedactingFilter().filter(record) is True
    assert (record.msg, record.args) == (f"HTTP Request: GET /x?api_key={REDACTED}", None)
    assert redact_log_text("/x?api_key=k1") == f"/x?api_key={REDACTED}"


def test_a_character_past_the_basic_plane_is_redacted_as_a_json_surrogate_pair() -> None:
    """U+1F600 is two UTF-16 units: JSON escapes it as ``\\ud83d\\ude00`` (either case)."""
    secret = "abcd\U0001f600efgh"
    text = (
        "lower abcd\\ud83d\\ude00efgh; upper abcd\\uD83D\\uDE00efgh; raw abcd\U0001f600efgh; "
        "half abcd\\ud83defgh; joined abcd\\ud83dXXXX\\ude00efgh"
    )
    assert redact_secrets(text, [secret]) == (
        f"lower {REDACTED}; upper {REDACTED}; raw {REDACTED}; half abcd\\ud83defgh; "
        "joined abcd\\ud83dXXXX\\ude00efgh"
    )


def test_a_character_of_one_hex_digit_is_redacted_as_its_short_html_reference() -> None:
    """A tab (U+0009) in HTML is ``&#x9;`` or ``&#9;``, with or without leading zeros."""
    secret = "abcd\tefgh"
    text = "a abcd&#x9;efgh b abcd&#X09;efgh c abcd&#9;efgh d abcd&#x0009;efgh"
    assert redact_secrets(text, [secret]) == f"a {REDACTED} b {REDACTED} c {REDACTED} d {REDACTED}"


def test_the_filter_goes_back_on_each_library_logger_and_nowhere_else() -> None:
    """A logging set-up that cleared the libraries' filters (``logger.filters.clear()``, a
    ``dictConfig``) gets them back, once each, when the toolkit next builds a client; the
    root logger (everyone's lines) is left alone."""
    loggers = [logging.getLogger(name) for name in HTTP_LIBRARY_LOGGERS]
    root_filters = list(logging.getLogger().filters)
    saved = [list(log.filters) for log in loggers]
    try:
        for log in loggers:
            log.filters.clear()
        redact_http_library_logs()
        redact_http_library_logs()
        assert [log.filters for log in loggers] == [[_REDACTING_FILTER]] * len(loggers)
        assert logging.getLogger().filters == root_filters
    finally:
        for log, filters in zip(loggers, saved, strict=True):
            log.filters[:] = filters

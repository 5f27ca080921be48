"""The one upload limit, shared by every reader of an uploaded file (CSV and weight files).

An upload of at most ``UPLOAD_BYTES`` is read; a bigger one gets the reader's own message naming this
limit. The transport around the app is set so that it never answers an upload the browser sends with a
raw HTTP error (docs/limits.md has the numbers and why):

- the upload widgets take files of up to ``UPLOAD_MB`` MB as Streamlit counts them (MiB, 5,242,880
  bytes; the browser refuses bigger files with Streamlit's "File must be 5.0MB or smaller"), so every
  file between ``UPLOAD_BYTES`` and that reaches the app and gets the app's message;
- ``server.maxUploadSize`` (.streamlit/config.toml) is ``SERVER_UPLOAD_MB``: the server compares the
  whole request body, multipart framing included, with it, so it needs room above the widget's limit;
- the proxy's ``client_max_body_size`` (deploy/nginx.conf) is ``SERVER_UPLOAD_MB`` megabytes too.
"""

from __future__ import annotations

UPLOAD_MB = 5  # what the widgets, the README and the messages say
UPLOAD_BYTES = UPLOAD_MB * 1_000_000  # the readers' limit: 5 MB, written out
SERVER_UPLOAD_MB = UPLOAD_MB + 1  # server.maxUploadSize and the proxy: one file of UPLOAD_MB + framing


def too_big(what: str, size: int) -> str:
    """'<what> 5.3 MB; files of at most 5 MB (5,000,000 bytes) are accepted'; in bytes when 0.1 MB would
    not show the difference ('5,000,001 bytes')."""
    shown = f"{size / 1e6:.1f} MB" if round(size / 1e6, 1) > UPLOAD_MB else f"{size:,} bytes"
    return f"{what} {shown}; files of at most {UPLOAD_MB} MB ({UPLOAD_BYTES:,} bytes) are accepted"

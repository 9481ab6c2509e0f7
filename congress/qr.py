"""QR codes (segno) as inline SVG for pages and as SVG/PNG downloads, one way for every app."""

import io

import segno
from django.http import HttpResponse


def qr_code(url: str):
    return segno.make(url, error="m")


def qr_svg_inline(url: str) -> str:
    return qr_code(url).svg_inline(dark="#000", omitsize=True)


def qr_svg_response(url: str) -> HttpResponse:
    buffer = io.BytesIO()
    qr_code(url).save(buffer, kind="svg", scale=10, border=4)
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


def qr_png_response(url: str, filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    qr_code(url).save(buffer, kind="png", scale=12, border=4)
    response = HttpResponse(buffer.getvalue(), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response

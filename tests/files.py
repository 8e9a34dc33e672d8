"""Real files for upload tests, built in memory: valid, disguised, damaged and hostile ones."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, PngImagePlugin
from pypdf import PdfWriter


def pdf_bytes(pages=1, *, padding=0):
    """A valid PDF; `padding` bytes of comment make it as large as a test needs."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "Test document"})
    output = io.BytesIO()
    writer.write(output)
    data = output.getvalue()
    if padding:
        # A PDF comment after %%EOF is ignored by readers; it only makes the file larger.
        data += b"\n%" + b"x" * padding + b"\n"
    return data


def encrypted_pdf_bytes():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="secret", owner_password="owner")
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def broken_pdf_bytes():
    return b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer garbage\n%%EOF"


def png_bytes(size=(64, 48), *, color=(15, 76, 92), text_metadata=None):
    image = Image.new("RGB", size, color)
    info = None
    if text_metadata:
        info = PngImagePlugin.PngInfo()
        for key, value in text_metadata.items():
            info.add_text(key, value)
    output = io.BytesIO()
    image.save(output, format="PNG", pnginfo=info)
    return output.getvalue()


def jpeg_bytes(size=(64, 48), *, exif_comment=None):
    image = Image.new("RGB", size, (200, 120, 40))
    output = io.BytesIO()
    kwargs = {}
    if exif_comment:
        exif = Image.Exif()
        exif[0x010E] = exif_comment  # ImageDescription
        exif[0x013B] = "Secret Author"  # Artist
        kwargs["exif"] = exif.tobytes()
    image.save(output, format="JPEG", **kwargs)
    return output.getvalue()


def bomb_png_bytes(side=20_000):
    """A tiny file that decodes to side × side pixels: a decompression bomb."""
    image = Image.new("1", (side, side), 0)
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()


def exe_bytes():
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def svg_bytes():
    return b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def html_bytes():
    return b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)

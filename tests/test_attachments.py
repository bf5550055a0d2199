"""Attachments: idempotent uploads by UUID, sniffing and re-encoding, storage, access and linking.

Images are made in memory with Pillow; what the server stores is read back with Pillow too.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import threading
import uuid
import zlib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from PIL import Image, ImageCms
from sqlalchemy import func, select

from server.attachments import service
from server.attachments.models import Attachment
from server.auth.models import Role, User
from server.cases.models import ServiceCase
from server.catalogs.models import CatalogEntry, CatalogKind
from server.errors import ValidationFailed
from server.extensions import db
from server.occurrences.models import Occurrence
from server.stores.models import Store
from tests.conftest import CPFS, ApiClient, login, make_case, make_customer, make_user, store_version

STORED_NAME = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(\.thumb)?$")


@pytest.fixture(autouse=True)
def uploads(app: Flask, tmp_path: Path) -> Path:
    """Each test stores its files in a folder of its own."""
    folder = tmp_path / "uploads"
    app.config["UPLOAD_FOLDER"] = str(folder)
    return folder


# --- images -------------------------------------------------------------------------------


def encode(image: Image.Image, fmt: str, **params: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def jpeg(size: tuple[int, int] = (800, 600), color: str = "red", **params: Any) -> bytes:
    return encode(Image.new("RGB", size, color), "JPEG", **params)


def halves(size: tuple[int, int], left: str, right: str) -> Image.Image:
    """An image whose left half is one color and right half another."""
    image = Image.new("RGB", size, left)
    image.paste(Image.new("RGB", (size[0] // 2, size[1]), right), (size[0] // 2, 0))
    return image


def gps_exif(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Motorola"  # Make
    exif[0x0131] = "Camera 1.0"  # Software
    exif[0x8825] = {1: "S", 2: (23.0, 33.0, 1.0), 3: "W", 4: (46.0, 38.0, 2.0)}  # GPSInfo: São Paulo
    if orientation is not None:
        exif[0x0112] = orientation
    return exif


def noise(size: tuple[int, int]) -> Image.Image:
    """Random pixels: they compress badly, so the file is big."""
    return Image.frombytes("RGB", size, hashlib.shake_256(b"assistec").digest(size[0] * size[1] * 3))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares `width` x `height` pixels in a few bytes (a decompression bomb's header)."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grayscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def served(response: Any) -> Image.Image:
    image = Image.open(io.BytesIO(response.data))
    image.load()
    return image


# --- requests and records -----------------------------------------------------------------


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def put(
    client: ApiClient,
    data: bytes,
    attachment_id: uuid.UUID | None = None,
    *,
    digest: str | None = None,
    headers: dict[str, str] | None = None,
    **params: Any,
) -> Any:
    attachment_id = attachment_id or uuid.uuid4()
    all_headers = {"X-Content-SHA256": digest if digest is not None else sha(data), **(headers or {})}
    return client.put(f"/api/attachments/{attachment_id}", data=data, headers=all_headers, query_string=params)


def upload_ok(client: ApiClient, data: bytes, **params: Any) -> dict[str, Any]:
    response = put(client, data, **params)
    assert response.status_code == 200, response.json
    body: dict[str, Any] = response.json
    return body


def row_count() -> int:
    return int(db.session.scalar(select(func.count()).select_from(Attachment)) or 0)


def files_in(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file()) if folder.exists() else []


def make_occurrence(case: ServiceCase) -> Occurrence:
    """An occurrence made with the ORM (its service is tested elsewhere)."""
    type_id = db.session.scalar(
        select(CatalogEntry.id).where(
            CatalogEntry.store_id == case.store_id, CatalogEntry.kind == CatalogKind.OCCURRENCE_TYPES.value
        )
    )
    assert type_id is not None
    occurrence = Occurrence(
        id=uuid.uuid4(),
        store_id=case.store_id,
        case_id=case.id,
        occurrence_type_id=type_id,
        payer="store",
        expected_fix_date=date.today(),
        request_hash="x" * 64,
    )
    db.session.add(occurrence)
    db.session.commit()
    return occurrence


@pytest.fixture
def occurrence(case: ServiceCase) -> Occurrence:
    """An occurrence on `case`, which is assigned to `technician`."""
    return make_occurrence(case)


@pytest.fixture
def linked(app: Flask, technician: User, occurrence: Occurrence) -> dict[str, Any]:
    """A photo the technician uploaded and linked to their case's occurrence."""
    return upload_ok(login(app, technician), jpeg(), occurrence_id=occurrence.id)


# --- upload -------------------------------------------------------------------------------


def test_upload_stores_a_reencoded_photo_and_its_thumbnail(
    as_technician: ApiClient, technician: User, store: Store, uploads: Path
) -> None:
    """The first upload answers 200 with the record and writes <store>/<uuid> and <uuid>.thumb."""
    data = jpeg((800, 600))
    attachment_id = uuid.uuid4()
    response = put(as_technician, data, attachment_id)
    assert response.status_code == 200, response.json
    body = response.json
    assert body["id"] == str(attachment_id)
    assert body["store_id"] == store.id
    assert body["kind"] == "photo"
    assert body["content_type"] == "image/jpeg"
    assert (body["width"], body["height"]) == (800, 600)
    assert body["sha256"] == sha(data)
    assert body["occurrence_id"] is None
    assert body["signer_name"] is None
    stored = uploads / str(store.id) / str(attachment_id)
    assert files_in(uploads) == [stored, stored.with_name(f"{attachment_id}.thumb")]
    assert body["size"] == stored.stat().st_size
    row = db.session.get(Attachment, attachment_id)
    assert row is not None
    assert row.uploaded_by_id == technician.id


def test_upload_answers_in_json_and_bumps_the_store_version(as_technician: ApiClient, store: Store) -> None:
    """An upload is a write of the store: phones pull the new row by its version."""
    before = store_version(store.id)
    body = upload_ok(as_technician, jpeg())
    assert store_version(store.id) == before + 1
    assert body["version"] == before + 1


def test_gps_exif_and_other_metadata_are_stripped(as_technician: ApiClient) -> None:
    """A JPEG whose EXIF holds GPS coordinates comes back with no EXIF, XMP, comment or ICC profile."""
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPSLatitude>23,33S</exif:GPSLatitude></x:xmpmeta>'
    data = jpeg(exif=gps_exif(), comment=b"Casa da cliente, Rua X 123", xmp=xmp)
    original = Image.open(io.BytesIO(data))
    assert original.getexif().get_ifd(0x8825), "the test image must carry GPS data"
    assert "comment" in original.info and "xmp" in original.info

    body = upload_ok(as_technician, data)
    for path in (f"/api/attachments/{body['id']}", f"/api/attachments/{body['id']}/thumbnail"):
        response = as_technician.get(path)
        assert response.status_code == 200
        image = served(response)
        assert len(image.getexif()) == 0
        assert not image.getexif().get_ifd(0x8825)
        for key in ("exif", "xmp", "comment", "icc_profile"):
            assert key not in image.info, key
        assert b"Exif" not in response.data
        assert b"Motorola" not in response.data
        assert b"xmpmeta" not in response.data
        assert b"Rua X" not in response.data


def test_color_profiles_are_applied_then_dropped(as_technician: ApiClient) -> None:
    """An embedded ICC profile is converted from and not stored; a broken one is ignored; CMYK becomes RGB."""
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    samples = [
        encode(Image.new("RGB", (40, 40), (200, 30, 30)), "JPEG", icc_profile=srgb),
        encode(Image.new("RGB", (40, 40), (200, 30, 30)), "JPEG", icc_profile=b"not a profile at all"),
        encode(Image.new("CMYK", (40, 40), (0, 216, 216, 55)), "JPEG"),
    ]
    for data in samples:
        assert "icc_profile" in Image.open(io.BytesIO(data)).info or Image.open(io.BytesIO(data)).mode == "CMYK"
        body = upload_ok(as_technician, data)
        image = served(as_technician.get(f"/api/attachments/{body['id']}"))
        assert image.mode == "RGB"
        assert "icc_profile" not in image.info
        pixel = image.getpixel((20, 20))
        assert isinstance(pixel, tuple) and pixel[0] > 170 and pixel[1] < 60 and pixel[2] < 60, pixel


def test_exif_orientation_is_applied(as_technician: ApiClient) -> None:
    """Orientation 6 (rotate 90° clockwise) comes back rotated: width and height swap, left goes up."""
    data = encode(halves((400, 200), "red", "blue"), "JPEG", exif=gps_exif(orientation=6))
    body = upload_ok(as_technician, data)
    assert (body["width"], body["height"]) == (200, 400)
    image = served(as_technician.get(f"/api/attachments/{body['id']}")).convert("RGB")
    assert image.size == (200, 400)
    top, bottom = image.getpixel((100, 50)), image.getpixel((100, 350))
    assert isinstance(top, tuple) and isinstance(bottom, tuple)
    assert top[0] > 200 and top[2] < 60, top  # the red left half is now on top
    assert bottom[2] > 200 and bottom[0] < 60, bottom


def test_png_sent_as_jpeg_is_handled_by_its_real_type(as_technician: ApiClient, uploads: Path) -> None:
    """A PNG with a JPEG content type and a .jpg name is decoded as the PNG it is; no name is kept."""
    data = encode(halves((300, 200), "green", "white"), "PNG")
    headers = {"Content-Type": "image/jpeg", "Content-Disposition": 'attachment; filename="foto-cliente.jpg"'}
    response = put(as_technician, data, headers=headers)
    assert response.status_code == 200, response.json
    assert response.json["content_type"] == "image/jpeg"  # photos are stored as JPEG, whatever came in
    image = served(as_technician.get(f"/api/attachments/{response.json['id']}"))
    assert image.format == "JPEG"
    assert image.size == (300, 200)
    left = image.convert("RGB").getpixel((50, 100))
    assert isinstance(left, tuple) and left[1] > 100 and left[0] < 60, left
    assert all("foto" not in path.name for path in files_in(uploads))


def test_jpeg_sent_as_png_signature_is_decoded_as_jpeg(as_technician: ApiClient) -> None:
    """The declared type is ignored the other way round too: a JPEG labelled PNG is accepted."""
    response = put(as_technician, jpeg((120, 60)), headers={"Content-Type": "image/png"}, kind="signature")
    assert response.status_code == 200, response.json
    assert response.json["content_type"] == "image/png"
    assert served(as_technician.get(f"/api/attachments/{response.json['id']}")).format == "PNG"


def test_webp_is_accepted(as_technician: ApiClient) -> None:
    """WebP is one of the three accepted formats."""
    body = upload_ok(as_technician, encode(Image.new("RGB", (64, 48), "blue"), "WEBP"))
    assert (body["content_type"], body["width"], body["height"]) == ("image/jpeg", 64, 48)


def test_signature_keeps_png_and_transparency(as_technician: ApiClient) -> None:
    """Signatures stay PNG with their alpha channel, thumbnail included, and keep the signer's name."""
    signature = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    signature.paste(Image.new("RGBA", (400, 10), (0, 0, 80, 255)), (100, 95))
    body = upload_ok(as_technician, encode(signature, "PNG"), kind="signature", signer_name="  Maria da Silva ")
    assert body["kind"] == "signature"
    assert body["content_type"] == "image/png"
    assert body["signer_name"] == "Maria da Silva"
    for path in (f"/api/attachments/{body['id']}", f"/api/attachments/{body['id']}/thumbnail"):
        response = as_technician.get(path)
        assert response.content_type == "image/png"
        image = served(response)
        assert image.format == "PNG"
        assert image.mode == "RGBA"
        assert image.getpixel((5, 5)) == (0, 0, 0, 0)


def test_photo_with_transparency_is_flattened_on_white(as_technician: ApiClient) -> None:
    """A transparent PNG photo becomes a JPEG with white, not black, where it was transparent."""
    body = upload_ok(as_technician, encode(Image.new("RGBA", (50, 50), (255, 0, 0, 0)), "PNG"))
    pixel = served(as_technician.get(f"/api/attachments/{body['id']}")).convert("RGB").getpixel((25, 25))
    assert isinstance(pixel, tuple) and min(pixel) > 240, pixel


def test_signer_name_is_only_for_signatures(as_technician: ApiClient) -> None:
    """A photo with signer_name is a 422 on that parameter."""
    response = put(as_technician, jpeg(), signer_name="Maria")
    assert response.status_code == 422
    assert "signer_name" in response.json["errors"]
    assert row_count() == 0


def test_unknown_kind_is_422(as_technician: ApiClient) -> None:
    """Only photo and signature exist."""
    response = put(as_technician, jpeg(), kind="video")
    assert response.status_code == 422
    assert "kind" in response.json["errors"]


@pytest.mark.parametrize(
    "data",
    [
        b"Isto nao e uma foto, e um texto qualquer.\n" * 20,
        encode(Image.new("RGB", (40, 40), "red"), "GIF"),
        encode(Image.new("RGB", (40, 40), "red"), "BMP"),
        encode(Image.new("RGB", (40, 40), "red"), "TIFF"),
        encode(Image.new("RGB", (40, 40), "red"), "PDF"),
        jpeg((400, 300), "red", quality=95)[:1500],  # truncated
        encode(Image.new("RGB", (40, 40), "red"), "PNG")[:-30],  # cut before IEND: CRC/structure fails
        b"",
    ],
    ids=["text", "gif", "bmp", "tiff", "pdf", "truncated-jpeg", "truncated-png", "empty"],
)
def test_anything_but_a_whole_jpeg_png_or_webp_is_415(as_technician: ApiClient, uploads: Path, data: bytes) -> None:
    """Text, GIF, BMP, TIFF, PDF, truncated images and empty bodies → 415 in pt-BR, nothing stored."""
    response = put(as_technician, data, headers={"Content-Type": "image/jpeg"})
    assert response.status_code == 415, response.json
    assert response.content_type == "application/problem+json"
    assert response.json["status"] == 415
    assert "JPEG, PNG ou WebP" in response.json["detail"]
    assert row_count() == 0
    assert files_in(uploads) == []


def test_eleven_mib_is_413(as_technician: ApiClient, uploads: Path) -> None:
    """Above ATTACHMENT_MAX_BYTES (10 MiB by default) the answer is 413 problem+json."""
    data = b"\xff" * (11 * 1024 * 1024)
    response = put(as_technician, data)
    assert response.status_code == 413
    assert response.content_type == "application/problem+json"
    assert "10 MB" in response.json["detail"]
    assert row_count() == 0
    assert files_in(uploads) == []


def test_uploads_may_exceed_the_global_body_limit(app: Flask, as_technician: ApiClient) -> None:
    """MAX_CONTENT_LENGTH (1 MiB) still holds elsewhere, but a 1.5 MiB+ photo uploads fine."""
    data = encode(noise((1200, 1000)), "JPEG", quality=95)
    assert len(data) > app.config["MAX_CONTENT_LENGTH"]
    body = upload_ok(as_technician, data)
    assert (body["width"], body["height"]) == (1200, 1000)
    elsewhere = as_technician.post("/api/auth/logout", data=b"x" * len(data))
    assert elsewhere.status_code == 413


def test_the_size_limit_comes_from_the_settings(app: Flask, as_technician: ApiClient) -> None:
    """ATTACHMENT_MAX_BYTES lowered: a file one byte above it is refused, one at it is accepted."""
    data = jpeg((100, 100))
    app.config["ATTACHMENT_MAX_BYTES"] = len(data) - 1
    assert put(as_technician, data).status_code == 413
    app.config["ATTACHMENT_MAX_BYTES"] = len(data)
    assert put(as_technician, data).status_code == 200


@pytest.mark.parametrize("size", [(20000, 20000), (8000, 6000)], ids=["pillow-bomb-limit", "48-megapixels"])
def test_decompression_bombs_are_refused(as_technician: ApiClient, size: tuple[int, int]) -> None:
    """A tiny file declaring hundreds of megapixels (or 48 MP, above the 40 MP budget) → 422 from
    its header: nothing is decoded (the header-only file would fail to decode with a 415)."""
    data = png_header_only(*size)
    assert len(data) < 200
    response = put(as_technician, data)
    assert response.status_code == 422, response.json
    assert response.mimetype == "application/problem+json"
    assert "megapixels" in response.json["detail"]
    assert response.json["type"].endswith("/image-too-large")
    assert row_count() == 0


def test_the_pixel_budget_comes_from_the_settings(app: Flask, as_technician: ApiClient) -> None:
    """IMAGE_MAX_MEGAPIXELS: a 4 MP image passes the default budget, and is refused under 3."""
    data = jpeg((2000, 2000))
    app.config["IMAGE_MAX_MEGAPIXELS"] = 3
    response = put(as_technician, data)
    assert response.status_code == 422, response.json
    assert "o máximo é 3 megapixels" in response.json["detail"]
    app.config["IMAGE_MAX_MEGAPIXELS"] = 40
    assert put(as_technician, data).status_code == 200


def test_a_bomb_is_never_decoded(monkeypatch: pytest.MonkeyPatch, as_technician: ApiClient) -> None:
    """Refused before Pillow loads a pixel: a 48 MP PNG of a few KB never reaches Image.load."""
    from PIL import ImageFile

    loads: list[Any] = []
    original = ImageFile.ImageFile.load
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: loads.append(self) or original(self))
    full = io.BytesIO()
    Image.new("L", (8000, 6000)).save(full, "PNG")
    assert len(full.getvalue()) < 100_000
    response = put(as_technician, full.getvalue())
    assert response.status_code == 422
    assert loads == []


def test_big_photos_are_scaled_down_and_thumbnails_are_small(as_technician: ApiClient) -> None:
    """The stored photo is at most 2560 px on its long side, the thumbnail 320 px and fewer bytes."""
    data = encode(noise((3000, 2000)), "JPEG", quality=90)
    body = upload_ok(as_technician, data)
    assert (body["width"], body["height"]) == (2560, 1707)
    full = as_technician.get(f"/api/attachments/{body['id']}")
    thumb = as_technician.get(f"/api/attachments/{body['id']}/thumbnail")
    assert served(full).size == (2560, 1707)
    assert served(thumb).size == (320, 213)
    assert len(thumb.data) < len(full.data) / 10


def test_thumbnail_of_a_small_photo_is_still_smaller(as_technician: ApiClient) -> None:
    """Even an 800x600 photo gets a 320 px thumbnail with fewer bytes."""
    body = upload_ok(as_technician, encode(noise((800, 600)), "JPEG", quality=90))
    full = as_technician.get(f"/api/attachments/{body['id']}")
    thumb = as_technician.get(f"/api/attachments/{body['id']}/thumbnail")
    assert served(thumb).size == (320, 240)
    assert len(thumb.data) < len(full.data)


# --- idempotence --------------------------------------------------------------------------


def test_same_id_and_hash_twice_is_200_with_one_file(as_technician: ApiClient, store: Store, uploads: Path) -> None:
    """A repeated upload answers the same record and stores nothing new (no version bump either)."""
    data = jpeg()
    attachment_id = uuid.uuid4()
    first = put(as_technician, data, attachment_id)
    version = store_version(store.id)
    stored = uploads / str(store.id) / str(attachment_id)
    written = stored.stat().st_mtime_ns
    second = put(as_technician, data, attachment_id)
    assert first.status_code == second.status_code == 200
    assert second.json == first.json
    assert row_count() == 1
    assert len(files_in(uploads)) == 2  # the file and its thumbnail
    assert stored.stat().st_mtime_ns == written
    assert store_version(store.id) == version


def test_same_id_with_another_hash_is_409(as_technician: ApiClient, store: Store, uploads: Path) -> None:
    """Other bytes under a used id → 409 problem+json, and the stored file is untouched."""
    attachment_id = uuid.uuid4()
    first = put(as_technician, jpeg(color="red"), attachment_id)
    stored = (uploads / str(store.id) / str(attachment_id)).read_bytes()
    response = put(as_technician, jpeg(color="blue"), attachment_id)
    assert response.status_code == 409
    assert response.content_type == "application/problem+json"
    assert "identificador" in response.json["detail"]
    assert (uploads / str(store.id) / str(attachment_id)).read_bytes() == stored
    assert as_technician.get(f"/api/attachments/{attachment_id}/meta").json == first.json


def test_same_bytes_as_another_kind_is_409(as_technician: ApiClient) -> None:
    """A photo's id repeated as a signature is a conflict, not a silent change of kind."""
    data = encode(Image.new("RGBA", (60, 30), (0, 0, 0, 0)), "PNG")
    attachment_id = uuid.uuid4()
    assert put(as_technician, data, attachment_id).status_code == 200
    assert put(as_technician, data, attachment_id, kind="signature").status_code == 409


# --- a phone shared by two people: the file belongs to the occurrence that references it ------


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SCHEDULER, Role.TECHNICIAN])
def test_the_same_bytes_from_another_user_of_the_store_is_200(
    app: Flask, as_technician: ApiClient, technician: User, store: Store, role: Role
) -> None:
    """One person's photo uploaded under another's session (a shared phone) is the same file: the
    repeat answers the record, stores nothing twice and changes no owner until it is linked."""
    data = jpeg()
    attachment_id = uuid.uuid4()
    first = put(as_technician, data, attachment_id)
    again = put(login(app, make_user(role, [store])), data, attachment_id)
    assert again.status_code == 200, again.json
    assert again.json == first.json
    assert row_count() == 1
    assert db.session.get(Attachment, attachment_id).uploaded_by_id == technician.id  # type: ignore[union-attr]


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SCHEDULER, Role.TECHNICIAN])
def test_other_bytes_under_another_users_id_is_409(
    app: Flask, as_technician: ApiClient, store: Store, uploads: Path, role: Role
) -> None:
    """Whoever sends them, other bytes never replace a stored file."""
    attachment_id = uuid.uuid4()
    put(as_technician, jpeg(color="red"), attachment_id)
    stored = (uploads / str(store.id) / str(attachment_id)).read_bytes()
    response = put(login(app, make_user(role, [store])), jpeg(color="blue"), attachment_id)
    assert response.status_code == 409
    assert "identificador" in response.json["detail"]
    assert (uploads / str(store.id) / str(attachment_id)).read_bytes() == stored


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SCHEDULER, Role.TECHNICIAN])
def test_another_stores_user_learns_nothing_of_an_id(
    app: Flask,
    as_technician: ApiClient,
    technician: User,
    store: Store,
    occurrence: Occurrence,
    other_store: Store,
    role: Role,
) -> None:
    """Another store's user: 404 on reading or linking, the upload refused without disclosing it."""
    data = jpeg()
    attachment_id = uuid.uuid4()
    put(as_technician, data, attachment_id)
    client = login(app, make_user(role, [other_store]))
    for suffix in ROUTES:
        assert client.get(f"/api/attachments/{attachment_id}{suffix}").status_code == 404
    assert (
        client.post(f"/api/attachments/{attachment_id}/link", json={"occurrence_id": str(occurrence.id)}).status_code
        == 404
    )
    response = put(client, data, attachment_id)
    assert response.status_code == 409
    assert "sha256" not in response.json
    attachment = db.session.get(Attachment, attachment_id)
    assert attachment is not None
    assert (attachment.store_id, attachment.uploaded_by_id, attachment.occurrence_id) == (store.id, technician.id, None)


def test_a_photo_uploaded_under_another_session_does_not_strand_the_occurrence(
    app: Flask, technician: User, other_technician: User, case: ServiceCase
) -> None:
    """The measured fault: tecnico1's photo went up under tecnico2's session; tecnico1's push of
    the occurrence that references it applies, the photo becomes tecnico1's, and tecnico2 (whose
    case it is not) no longer sees it. tecnico1's phone repeating the upload is 200 too."""
    data = jpeg()
    photo = uuid.uuid4()
    as_other = login(app, other_technician)
    assert put(as_other, data, photo).status_code == 200
    as_owner = login(app, technician)
    assert put(as_owner, data, photo).status_code == 200  # "Corrigir e reenviar" uploads again
    occurrence_id = uuid.uuid4()
    type_id = db.session.scalar(
        select(CatalogEntry.id).where(
            CatalogEntry.store_id == case.store_id, CatalogEntry.kind == CatalogKind.OCCURRENCE_TYPES.value
        )
    )
    mutation = {
        "id": 1,
        "name": "occurrence.create.v1",
        "client_time": "2026-11-28T10:00:00-03:00",
        "args": {
            "id": str(occurrence_id),
            "case_id": case.id,
            "occurrence_type_id": type_id,
            "payer": "store",
            "resolved": True,
            "attachment_ids": [str(photo)],
        },
    }
    body = {"protocol": 1, "schema_version": 1, "client_id": str(uuid.uuid4()), "mutations": [mutation]}
    response = as_owner.post("/api/sync/push", json=body)
    assert response.status_code == 200, response.json
    assert response.json["results"] == [{"id": 1, "status": "applied"}]
    attachment = db.session.get(Attachment, photo)
    assert attachment is not None
    assert (attachment.occurrence_id, attachment.uploaded_by_id) == (occurrence_id, technician.id)
    assert as_owner.get(f"/api/attachments/{photo}/meta").status_code == 200
    assert as_other.get(f"/api/attachments/{photo}/meta").status_code == 404


def test_linking_an_unlinked_file_of_the_store_makes_it_the_linkers(
    app: Flask, technician: User, scheduler: User, occurrence: Occurrence
) -> None:
    """The REST link too: the file is the occurrence's author's once linked; a linked file does not
    move to another person's occurrence."""
    body = upload_ok(login(app, scheduler), jpeg())
    as_technician = login(app, technician)
    response = as_technician.post(f"/api/attachments/{body['id']}/link", json={"occurrence_id": str(occurrence.id)})
    assert response.status_code == 200, response.json
    assert db.session.get(Attachment, uuid.UUID(body["id"])).uploaded_by_id == technician.id  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("digest", "status"),
    [(None, 422), ("", 422), ("abc", 422), ("z" * 64, 422), (sha(b"other bytes"), 422)],
    ids=["missing", "blank", "short", "not-hex", "mismatch"],
)
def test_missing_or_wrong_sha256_is_a_problem(as_technician: ApiClient, digest: str | None, status: int) -> None:
    """X-Content-SHA256 is required, 64 hex digits, and must be the body's hash."""
    data = jpeg()
    headers = {} if digest is None else {"X-Content-SHA256": digest}
    response = as_technician.put(f"/api/attachments/{uuid.uuid4()}", data=data, headers=headers)
    assert response.status_code == status
    assert response.content_type == "application/problem+json"
    assert list(response.json["errors"]) == ["X-Content-SHA256"]
    assert row_count() == 0


def test_sha256_header_is_case_insensitive(as_technician: ApiClient) -> None:
    """Upper-case hex and a lower-case header name are the same hash."""
    data = jpeg()
    response = as_technician.put(
        f"/api/attachments/{uuid.uuid4()}", data=data, headers={"x-content-sha256": sha(data).upper()}
    )
    assert response.status_code == 200, response.json
    assert response.json["sha256"] == sha(data)


def test_the_same_upload_five_times_in_parallel_stores_one_file(
    app: Flask, technician: User, store: Store, uploads: Path
) -> None:
    """Five identical PUTs released together: all 200 with the same record, one row, one file."""
    concurrent = 5
    clients = [login(app, technician) for _ in range(concurrent)]  # logged in before any thread starts
    data = encode(noise((1600, 1200)), "JPEG", quality=90)
    attachment_id = uuid.uuid4()
    barrier = threading.Barrier(concurrent)
    results: list[tuple[int, Any] | None] = [None] * concurrent
    failures: list[BaseException] = []

    def upload(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            response = put(clients[index], data, attachment_id)
            results[index] = (response.status_code, response.get_json())
        except BaseException as error:  # reported below, in the main thread
            failures.append(error)

    threads = [threading.Thread(target=upload, args=(i,)) for i in range(concurrent)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not any(thread.is_alive() for thread in threads), "an upload hung"
    assert failures == []
    assert [result[0] if result else None for result in results] == [200] * concurrent, results
    assert len({result[1]["id"] for result in results if result}) == 1
    assert len({result[1]["version"] for result in results if result}) == 1
    assert row_count() == 1
    assert files_in(uploads) == [
        uploads / str(store.id) / str(attachment_id),
        uploads / str(store.id) / f"{attachment_id}.thumb",
    ]


def test_file_names_on_disk_never_come_from_the_client(as_technician: ApiClient, uploads: Path) -> None:
    """Only <store id>/<uuid>[.thumb] exist: no client text, no temporary file left behind."""
    headers = {"Content-Disposition": 'attachment; filename="../../etc/passwd.jpg"', "Content-Type": "text/x-evil"}
    put(as_technician, jpeg(), headers=headers)
    put(as_technician, encode(Image.new("RGBA", (30, 30)), "PNG"), headers=headers, kind="signature")
    put(as_technician, b"texto", headers=headers)  # refused: leaves nothing
    files = files_in(uploads)
    assert len(files) == 4
    for path in files:
        assert STORED_NAME.match(path.name), path.name
        assert path.parent.parent == uploads
        assert path.parent.name.isdigit()


# --- reading ------------------------------------------------------------------------------


def test_served_files_are_private_inline_and_not_sniffed(as_technician: ApiClient) -> None:
    """Stored content type, private cache, nosniff and `inline` without any file name."""
    body = upload_ok(as_technician, jpeg())
    for suffix in ("", "/thumbnail"):
        response = as_technician.get(f"/api/attachments/{body['id']}{suffix}")
        assert response.status_code == 200
        assert response.content_type == "image/jpeg"
        assert response.headers["Cache-Control"].startswith("private, max-age=")
        assert "public" not in response.headers["Cache-Control"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Disposition"] == "inline"


def test_a_revalidation_gets_304(as_technician: ApiClient) -> None:
    """The file never changes under its id, so its ETag lets a browser revalidate for free."""
    body = upload_ok(as_technician, jpeg())
    first = as_technician.get(f"/api/attachments/{body['id']}")
    again = as_technician.get(f"/api/attachments/{body['id']}", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""


def test_meta_describes_the_stored_file(as_technician: ApiClient) -> None:
    """GET …/meta answers the record as JSON, the same as the upload did."""
    body = upload_ok(as_technician, jpeg((320, 240)))
    response = as_technician.get(f"/api/attachments/{body['id']}/meta")
    assert response.status_code == 200
    assert response.json == body
    assert {"id", "kind", "content_type", "size", "width", "height", "sha256", "occurrence_id", "signer_name"} <= set(
        response.json
    )


def test_a_missing_file_is_404_not_500(as_technician: ApiClient, uploads: Path, store: Store) -> None:
    """If the disk lost the file, the API says it is unavailable instead of failing."""
    body = upload_ok(as_technician, jpeg())
    (uploads / str(store.id) / body["id"]).unlink()
    response = as_technician.get(f"/api/attachments/{body['id']}")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"


# --- authorization ------------------------------------------------------------------------

ROUTES = ["", "/thumbnail", "/meta"]


def test_anonymous_gets_401_everywhere(client: ApiClient, as_technician: ApiClient) -> None:
    """Not logged in: 401 on upload, file, thumbnail, meta and delete."""
    body = upload_ok(as_technician, jpeg())
    data = jpeg()
    responses = [put(client, data)]
    responses += [client.get(f"/api/attachments/{body['id']}{suffix}") for suffix in ROUTES]
    responses.append(client.delete(f"/api/attachments/{body['id']}"))
    assert [r.status_code for r in responses] == [401] * 5
    assert all(r.content_type == "application/problem+json" for r in responses)
    assert row_count() == 1


def test_upload_without_csrf_token_is_refused(as_technician: ApiClient) -> None:
    """Uploads are writes: the CSRF header is required."""
    as_technician.csrf_token = None
    response = put(as_technician, jpeg())
    assert response.status_code == 400
    assert response.json["type"].endswith("/csrf")
    assert row_count() == 0


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SCHEDULER, Role.TECHNICIAN])
def test_every_role_may_upload(app: Flask, store: Store, role: Role) -> None:
    """Technicians upload from the phone; the office may attach photos too."""
    body = upload_ok(login(app, make_user(role, [store])), jpeg())
    assert body["store_id"] == store.id


def test_the_uploader_sees_an_unlinked_attachment_and_nobody_else(
    app: Flask, as_technician: ApiClient, scheduler: User, other_technician: User, outsider: User
) -> None:
    """Before it is linked, only its uploader may read it; the office of the store does not yet."""
    body = upload_ok(as_technician, jpeg())
    for suffix in ROUTES:
        assert as_technician.get(f"/api/attachments/{body['id']}{suffix}").status_code == 200
    for user in (scheduler, other_technician, outsider):
        client = login(app, user)
        for suffix in ROUTES:
            response = client.get(f"/api/attachments/{body['id']}{suffix}")
            assert response.status_code == 404, (user.role, suffix)
            assert response.content_type == "application/problem+json"


def test_a_linked_attachment_follows_its_case(
    app: Flask,
    linked: dict[str, Any],
    technician: User,
    scheduler: User,
    admin: User,
    other_technician: User,
    outsider: User,
) -> None:
    """Linked: the office of the store and the case's technician see it; another technician and
    another store's user get 404."""
    for user in (technician, scheduler, admin):
        client = login(app, user)
        for suffix in ROUTES:
            assert client.get(f"/api/attachments/{linked['id']}{suffix}").status_code == 200, (user.role, suffix)
    for user in (other_technician, outsider):
        client = login(app, user)
        for suffix in ROUTES:
            assert client.get(f"/api/attachments/{linked['id']}{suffix}").status_code == 404, (user.role, suffix)


def test_another_stores_user_gets_404_even_as_the_office(
    app: Flask, linked: dict[str, Any], other_store: Store
) -> None:
    """An admin of another store learns nothing of the attachment, nor may delete it."""
    client = login(app, make_user(Role.ADMIN, [other_store]))
    assert client.get(f"/api/attachments/{linked['id']}").status_code == 404
    assert client.delete(f"/api/attachments/{linked['id']}").status_code == 404
    assert row_count() == 1


def test_a_technician_who_loses_the_case_loses_its_photos(
    app: Flask, linked: dict[str, Any], case: ServiceCase, other_technician: User, technician: User
) -> None:
    """Visibility follows the case's assignment, even for the photo's own uploader."""
    as_other = login(app, other_technician)
    as_uploader = login(app, technician)
    assert as_other.get(f"/api/attachments/{linked['id']}").status_code == 404
    db.session.get(ServiceCase, case.id).assignee_id = other_technician.id  # type: ignore[union-attr]
    db.session.commit()
    assert as_other.get(f"/api/attachments/{linked['id']}").status_code == 200
    assert as_uploader.get(f"/api/attachments/{linked['id']}").status_code == 404


# --- linking ------------------------------------------------------------------------------


def test_upload_with_occurrence_id_links_it_at_once(
    as_technician: ApiClient, occurrence: Occurrence, store: Store
) -> None:
    """?occurrence_id= links the new attachment; its store is the occurrence's."""
    body = upload_ok(as_technician, jpeg(), occurrence_id=occurrence.id)
    assert body["occurrence_id"] == str(occurrence.id)
    assert body["store_id"] == store.id


def test_upload_to_an_occurrence_the_user_cannot_see_is_422(
    app: Flask, other_technician: User, occurrence: Occurrence, uploads: Path
) -> None:
    """Another technician's occurrence is not found (422 on occurrence_id) and nothing is stored."""
    response = put(login(app, other_technician), jpeg(), occurrence_id=occurrence.id)
    assert response.status_code == 422
    assert response.json["errors"] == {"occurrence_id": ["Ocorrência não encontrada."]}
    assert row_count() == 0
    assert files_in(uploads) == []


def test_upload_to_a_deleted_occurrence_is_422(as_technician: ApiClient, occurrence: Occurrence) -> None:
    """A soft-deleted occurrence takes no new photos."""
    from server.database import soft_delete

    soft_delete(db.session.get(Occurrence, occurrence.id))  # type: ignore[arg-type]
    db.session.commit()
    response = put(as_technician, jpeg(), occurrence_id=occurrence.id)
    assert response.status_code == 422
    assert "occurrence_id" in response.json["errors"]


def test_occurrence_and_store_must_agree(as_technician: ApiClient, occurrence: Occurrence, other_store: Store) -> None:
    """store_id that is not the occurrence's store is a 422 on store_id."""
    response = put(as_technician, jpeg(), occurrence_id=occurrence.id, store_id=other_store.id)
    assert response.status_code == 422
    assert "store_id" in response.json["errors"]


def test_a_user_of_two_stores_says_which(app: Flask, store: Store, other_store: Store, uploads: Path) -> None:
    """Without an occurrence, a user of several stores must pass store_id; the file goes under it."""
    client = login(app, make_user(Role.SCHEDULER, [store, other_store]))
    response = put(client, jpeg())
    assert response.status_code == 422
    assert "store_id" in response.json["errors"]
    body = upload_ok(client, jpeg(), store_id=other_store.id)
    assert body["store_id"] == other_store.id
    assert [path.parent.name for path in files_in(uploads)] == [str(other_store.id)] * 2


def test_repeating_an_upload_with_occurrence_id_links_it(as_technician: ApiClient, occurrence: Occurrence) -> None:
    """A retried PUT that now names the occurrence links the stored attachment (still 200)."""
    data = jpeg()
    attachment_id = uuid.uuid4()
    assert put(as_technician, data, attachment_id).json["occurrence_id"] is None
    again = put(as_technician, data, attachment_id, occurrence_id=occurrence.id)
    assert again.status_code == 200
    assert again.json["occurrence_id"] == str(occurrence.id)
    assert row_count() == 1


def test_link_attachment_links_once_and_bumps_the_version(
    as_technician: ApiClient, technician: User, occurrence: Occurrence, store: Store
) -> None:
    """The service links an uploaded photo; linking again to the same occurrence is a no-op."""
    body = upload_ok(as_technician, jpeg())
    before = store_version(store.id)
    attachment = service.link_attachment(uuid.UUID(body["id"]), occurrence.id, technician)
    db.session.commit()
    assert attachment.occurrence_id == occurrence.id
    assert attachment.version == before + 1
    service.link_attachment(uuid.UUID(body["id"]), occurrence.id, technician)
    db.session.commit()
    assert store_version(store.id) == before + 1
    assert db.session.get(Attachment, uuid.UUID(body["id"])).occurrence_id == occurrence.id  # type: ignore[union-attr]


def test_link_attachment_refuses_another_occurrence(
    as_technician: ApiClient, technician: User, occurrence: Occurrence, case: ServiceCase
) -> None:
    """Once linked, an attachment does not move to another occurrence."""
    body = upload_ok(as_technician, jpeg(), occurrence_id=occurrence.id)
    second = make_occurrence(case)
    with pytest.raises(ValidationFailed) as raised:
        service.link_attachment(uuid.UUID(body["id"]), second.id, technician)
    assert raised.value.data["errors"] == {"attachment_id": ["Este anexo já está vinculado a outra ocorrência."]}


def test_link_attachment_validates_its_arguments(
    app: Flask,
    as_technician: ApiClient,
    technician: User,
    scheduler: User,
    occurrence: Occurrence,
    other_store: Store,
) -> None:
    """Unknown attachment, invisible or other-store occurrence, signer of a photo: 422 in pt-BR."""
    photo = uuid.UUID(upload_ok(as_technician, jpeg())["id"])
    other_scheduler = make_user(Role.SCHEDULER, [other_store])
    other_case = make_case(other_scheduler, make_customer(other_store, document=CPFS[1]))
    foreign = make_occurrence(other_case)

    def errors(attachment_id: uuid.UUID, occurrence_id: uuid.UUID, actor: User, **extra: Any) -> dict[str, Any]:
        with pytest.raises(ValidationFailed) as raised:
            service.link_attachment(attachment_id, occurrence_id, actor, **extra)
        db.session.rollback()
        result: dict[str, Any] = raised.value.data["errors"]
        return result

    assert list(errors(uuid.uuid4(), occurrence.id, technician)) == ["attachment_id"]
    assert list(errors(photo, foreign.id, technician)) == ["occurrence_id"]
    assert list(errors(photo, foreign.id, other_scheduler)) == ["attachment_id"]  # another store's file
    assert list(errors(photo, occurrence.id, technician, signer_name="Maria")) == ["signer_name"]
    assert db.session.get(Attachment, photo).occurrence_id is None  # type: ignore[union-attr]


def test_link_a_signature_with_its_signer(as_technician: ApiClient, technician: User, occurrence: Occurrence) -> None:
    """A signature linked with signer_name records who signed."""
    body = upload_ok(as_technician, encode(Image.new("RGBA", (60, 30)), "PNG"), kind="signature")
    attachment = service.link_attachment(uuid.UUID(body["id"]), occurrence.id, technician, signer_name="João Souza")
    db.session.commit()
    assert (attachment.occurrence_id, attachment.signer_name) == (occurrence.id, "João Souza")


def test_attachments_of_lists_live_attachments_per_occurrence(
    as_technician: ApiClient, occurrence: Occurrence, case: ServiceCase
) -> None:
    """One query for a page of occurrences: their live attachments, oldest first."""
    first = upload_ok(as_technician, jpeg(color="red"), occurrence_id=occurrence.id)
    second = upload_ok(as_technician, jpeg(color="blue"), occurrence_id=occurrence.id)
    deleted = upload_ok(as_technician, jpeg(color="green"), occurrence_id=occurrence.id)
    assert as_technician.delete(f"/api/attachments/{deleted['id']}").status_code == 204
    empty = make_occurrence(case)
    found = service.attachments_of([occurrence.id, empty.id])
    assert [str(a.id) for a in found[occurrence.id]] == [first["id"], second["id"]]
    assert found[empty.id] == []


# --- deleting -----------------------------------------------------------------------------


def test_the_uploader_deletes_softly_and_the_files_go(as_technician: ApiClient, store: Store, uploads: Path) -> None:
    """DELETE → 204; the row stays as a tombstone with a new version, the file is gone, GET is 404."""
    body = upload_ok(as_technician, jpeg())
    response = as_technician.delete(f"/api/attachments/{body['id']}")
    assert response.status_code == 204
    row = db.session.get(Attachment, uuid.UUID(body["id"]))
    assert row is not None and row.deleted_at is not None
    assert row.version > body["version"]
    assert files_in(uploads) == []
    assert as_technician.get(f"/api/attachments/{body['id']}").status_code == 404
    assert put(as_technician, jpeg(), uuid.UUID(body["id"])).status_code == 409  # the id is not reused


def test_office_deletes_a_linked_photo_but_another_technician_may_not(
    app: Flask, linked: dict[str, Any], scheduler: User, case: ServiceCase, other_technician: User
) -> None:
    """A technician who sees the photo but did not upload it gets 403; the office may delete it."""
    db.session.get(ServiceCase, case.id).assignee_id = other_technician.id  # type: ignore[union-attr]
    db.session.commit()
    as_other = login(app, other_technician)
    assert as_other.get(f"/api/attachments/{linked['id']}").status_code == 200
    refused = as_other.delete(f"/api/attachments/{linked['id']}")
    assert refused.status_code == 403
    assert refused.content_type == "application/problem+json"
    assert login(app, scheduler).delete(f"/api/attachments/{linked['id']}").status_code == 204
    assert row_count() == 1


def test_an_id_used_in_another_store_is_409_and_untouched(
    as_technician: ApiClient, as_outsider: ApiClient, store: Store, uploads: Path
) -> None:
    """Another store's upload under a taken id is refused, whatever its bytes; the first file stays."""
    data = jpeg()
    attachment_id = uuid.uuid4()
    assert put(as_technician, data, attachment_id).status_code == 200
    stored = (uploads / str(store.id) / str(attachment_id)).read_bytes()
    for other in (data, jpeg(color="blue")):
        response = put(as_outsider, other, attachment_id)
        assert response.status_code == 409
        assert response.json["type"].endswith("/attachment-id-taken")
    assert (uploads / str(store.id) / str(attachment_id)).read_bytes() == stored
    assert len(files_in(uploads)) == 2


def test_a_truncated_jpeg_is_refused_even_after_weasyprint_is_imported(
    as_technician: ApiClient, uploads: Path, monkeypatch: Any
) -> None:
    """WeasyPrint switches Pillow to accepting truncated images on import; uploads must not follow."""
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # what `import weasyprint` does
    response = put(as_technician, jpeg((400, 300), "red", quality=95)[:1500])
    assert response.status_code == 415, response.json
    assert files_in(uploads) == []

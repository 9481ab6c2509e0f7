"""Factories for the deputies app's own rows (the shared Deputy/Mandate factories live in
tests/factories.py)."""

import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from factory.django import DjangoModelFactory
from PIL import Image

from deputies.models import DutyKind, DutyRecord, VoterContact
from tests.factories import DeputyFactory


class DutyRecordFactory(DjangoModelFactory):
    class Meta:
        model = DutyRecord

    deputy = factory.SubFactory(DeputyFactory)
    kind = DutyKind.VOTER_CONTACT
    date = factory.LazyFunction(timezone.localdate)
    content = factory.Faker("sentence")
    hours = 2


class VoterContactFactory(DjangoModelFactory):
    class Meta:
        model = VoterContact

    deputy = factory.SubFactory(DeputyFactory)
    name = factory.Faker("name")
    phone = factory.Faker("phone_number")


def jpeg_upload(name="photo.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")

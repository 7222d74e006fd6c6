"""A form's maxlength, and a number field's min and max, come from the schema that checks what the form posts
(services.ui.forms.max_lengths, number_bounds)."""

from marshmallow import Schema, fields, validate

from services.messaging.fields import multi_line, one_line
from services.ui.forms import max_lengths, number_bounds


class Example(Schema):
    title = one_line(200, min_length=1, required=True)
    description = multi_line(10000)
    email = fields.Email(validate=validate.Length(max=254))
    from_ = fields.String(data_key="from", validate=validate.Length(max=40))
    code = fields.String(validate=[validate.Length(max=30), validate.Length(min=2, max=12)])
    krs = fields.String(validate=validate.Length(equal=10))
    ids = fields.List(fields.Integer(), validate=validate.Length(max=500))
    shown = fields.String(dump_only=True, validate=validate.Length(max=5))
    free = fields.String()
    number = fields.Integer(validate=validate.Range(max=50))
    seats = fields.Integer(data_key="places", validate=[validate.Range(min=0, max=900), validate.Range(min=1)])
    ratio = fields.Float(validate=validate.Range(min=0, max=1))
    count = fields.Integer(dump_only=True, validate=validate.Range(min=1, max=9))


def test_each_text_field_s_longest_by_the_name_the_form_posts():
    assert max_lengths(Example) == {"title": 200, "description": 10000, "email": 254, "from": 40, "code": 12,
                                    "krs": 10}


def test_an_instance_gives_its_own_fields():
    assert max_lengths(Example()) == max_lengths(Example)
    assert max_lengths(Example(only=("title", "email"))) == {"title": 200, "email": 254}


def test_each_whole_number_field_s_bounds_by_the_name_the_form_posts():
    assert number_bounds(Example) == {"number": {"max": 50}, "places": {"min": 1, "max": 900}}
    assert number_bounds(Example(only=("title",))) == {}

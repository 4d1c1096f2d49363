from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, RadioField, SubmitField

from app.video.models import Quality

QUALITY_CHOICES = [
    (Quality.NORMAL.value, _l("Normal: the usual quality")),
    (Quality.LOWEST.value, _l("Data saver: the lowest quality (240p)")),
    (Quality.AUDIO.value, _l("Audio only: sound without the picture")),
]


class PreferenceForm(FlaskForm):
    quality = RadioField(_l("Video on module pages"), choices=QUALITY_CHOICES)
    next = HiddenField()
    submit = SubmitField(_l("Save"))


class VideoUploadForm(FlaskForm):
    file = FileField(_l("Source video file"), validators=[FileRequired()])
    submit = SubmitField(_l("Upload and convert"))

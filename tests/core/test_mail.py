import pytest
from django.core import mail
from chapterhouse.core.mail import mail_enqueue

@pytest.mark.django_db
def test_mail_goes_through_the_queue(run_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        mail_enqueue(to=["a@example.org"], subject="Hello", body="World")
    assert mail.outbox == []
    run_tasks()
    assert [m.subject for m in mail.outbox] == ["Hello"]

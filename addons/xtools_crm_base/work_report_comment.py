"""Comments on work reports (点评, SPEC B9): the author's managers, their
assistants and the bosses comment on a submitted report they read; the
author answers. Who may comment is who may read the report (the record
rules of work_report.xml); each comment rings the bell of the others
taking part."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction, check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .access import CheckedWizardMixin, readable_ids
from .bell import notify
from .exceptions import WorkReportError


class WorkReportComment(ModelSQL, ModelView):
    "Work report comment (点评)"
    __name__ = 'crm.work.report.comment'
    __string__ = "Work Report Comment"

    report = fields.Many2One(
        'crm.work.report', "Report", required=True, ondelete='CASCADE',
        domain=[('state', '=', 'submitted')])
    author = fields.Many2One(
        'res.user', "Author", required=True, readonly=True,
        ondelete='RESTRICT')
    date = fields.DateTime("Date", required=True, readonly=True)
    text = fields.Text("Comment", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.report, Index.Equality())))
        cls._order = [('date', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_author(cls):
        return Transaction().user or None

    @classmethod
    def default_date(cls):
        return dt.datetime.now().replace(microsecond=0)

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            user = Transaction().user
            if user or not values.get('author'):
                values['author'] = user
            values['date'] = dt.datetime.now().replace(microsecond=0)
        return values

    @classmethod
    def check_modification(cls, mode, comments, values=None, external=False):
        super().check_modification(
            mode, comments, values=values, external=external)
        if mode == 'write' and values.keys() - {'text'}:
            raise WorkReportError(gettext(
                    'xtools_crm_base.msg_work_report_comment_fixed'))

    @classmethod
    def validate_fields(cls, comments, field_names):
        super().validate_fields(comments, field_names)
        if field_names and not field_names & {'report', 'text'}:
            return
        for comment in comments:
            if comment.report.state != 'submitted':
                raise WorkReportError(gettext(
                        'xtools_crm_base.msg_work_report_comment_draft'))
            if not (comment.text or '').strip():
                raise WorkReportError(gettext(
                        'xtools_crm_base.msg_work_report_comment_empty'))

    @classmethod
    def on_modification(cls, mode, comments, field_names=None):
        super().on_modification(mode, comments, field_names=field_names)
        if mode == 'create':
            cls.notify_participants(comments)

    @classmethod
    def notify_participants(cls, comments):
        """Ring the bell of the report's author and of the others who
        commented on it (who still read it), not the comment's author"""
        User = Pool().get('res.user')
        for comment in comments:
            report = comment.report
            others = {report.author.id} | {
                c.author.id for c in report.comments}
            others.discard(comment.author.id)
            users = [u for u in User.browse(sorted(others))
                if u.active and readable_ids(
                    u.id, 'crm.work.report', [report.id])]
            notify(users, 'xtools_crm_base.msg_work_report_commented',
                {'user': comment.author.rec_name,
                    'report': report.rec_name},
                model='crm.work.report', ids=[report.id])


class AddCommentStart(ModelView):
    "Comment on work reports"
    __name__ = 'crm.work.report.comment.add.start'
    __string__ = "Comment on Work Reports"

    text = fields.Text("Comment", required=True)


class AddComment(CheckedWizardMixin, Wizard):
    """Comment on the selected reports (the report's Comment button): a
    comment is added by whoever reads the report, not by a change of the
    report, which only its author makes"""
    __name__ = 'crm.work.report.comment.add'
    __string__ = "Comment on Work Reports"
    _state_access = {'add': 'read'}

    start = StateView(
        'crm.work.report.comment.add.start',
        'xtools_crm_base.work_report_comment_add_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Comment", 'add', 'tryton-ok', default=True),
            ])
    add = StateTransition()

    def transition_add(self):
        Comment = Pool().get('crm.work.report.comment')
        # As the user: the comments' own rules apply to their creation
        with check_access():
            Comment.create([{'report': r.id, 'text': self.start.text}
                    for r in self.records])
        return 'end'

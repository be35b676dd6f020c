from trytond.model import ModelSQL, ModelView, Unique, fields, sequence_ordered

from .configuration import MAX_DAYS, check_limit

LIBRARIES = [
    ('private', "Private Library"),
    ('temporary', "Temporary Library"),
    ('public', "Public Pool"),
    ]


class Maturity(sequence_ordered(), ModelSQL, ModelView):
    "Maturity grade (成熟度): decides the library a customer is kept in"
    __name__ = 'crm.maturity'
    __string__ = "Maturity Grade"
    _rec_name = 'label'

    code = fields.Char(
        "Code", required=True,
        help="A short code, A to J by default.")
    label = fields.Char("Label", required=True, translate=True)
    library = fields.Selection(
        LIBRARIES, "Library", required=True, sort=False,
        help="The library a customer of this grade is kept in: "
        "the owner's private or temporary library, or the public pool.")
    return_days = fields.Integer(
        "Return Limit (days)",
        domain=['OR',
            ('return_days', '=', None),
            ('return_days', '>', 0),
            ],
        help="Days without follow-up (temporary library) or without "
        "contact (private library) after which a customer of this grade "
        "returns to the pool.\n"
        "Empty: the limit of the library in the CRM settings.")

    @classmethod
    def __setup__(cls):
        cls.code.search_unaccented = False
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'xtools_crm_pool.msg_maturity_code_unique'),
            ]
        cls._order.append(('code', 'ASC'))

    @classmethod
    def default_library(cls):
        return 'public'

    @classmethod
    def validate_fields(cls, grades, field_names):
        super().validate_fields(grades, field_names)
        if field_names and 'return_days' not in field_names:
            return
        for grade in grades:
            check_limit(grade.return_days, '%s (%s)' % (
                    cls.__names__('return_days')['field'], grade.rec_name),
                MAX_DAYS)

    def get_rec_name(self, name):
        return f'{self.code} - {self.label}'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('code', operator, operand, *extra),
            ('label', operator, operand, *extra),
            ]

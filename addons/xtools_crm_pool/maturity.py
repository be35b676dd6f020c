from trytond.model import ModelSQL, ModelView, Unique, fields, sequence_ordered

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

"""One2Many fields whose ids, for one record, are one search query.

sao reads a form's one2many ids with the record: all of them (a tab lists
every row, paged), for the one record shown. Tryton's One2Many.get finds
them by a search on the target (rules applied), which reads every eager
column of every row and builds a record per row (each one checking the
whole id list: quadratic), then reads every row again to learn its parent.
For a customer with 2,000 activities and 2,500 timeline rows that was
most of the customer view (bench/README.md, "Customer view and lists").
For one record every row found is its own: the ids of the search query
(the same domain, rules and order) are the answer.
"""
from trytond.model import fields
from trytond.transaction import Transaction


class One2ManyBySearch(fields.One2Many):
    "One2Many reading one record's ids with the target's search query only"

    def get(self, ids, model, name, values=None):
        Target = self.get_target()
        if (len(ids) != 1
                or Target._fields[self.field]._type == 'reference'):
            return super().get(ids, model, name, values=values)
        id_, = ids
        clause = [(self.field, '=', id_)]
        if self.filter:
            clause.append(self.filter)
        query = Target.search(clause, order=self.target_order(), query=True)
        cursor = Transaction().connection.cursor()
        cursor.execute(*query)
        return {id_: tuple(i for i, in cursor)}

    def target_order(self):
        "One2Many.get's order of the targets of one record"
        if self.order:
            return list(self.order)
        return [(oexpr, otype)
            for oexpr, otype in self.get_target()._order or []
            if not oexpr.startswith(f'{self.field}.')]

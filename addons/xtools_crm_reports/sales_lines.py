"""The sales figures every sales report sums (SPEC R2), in one query.

Sales are the lines of approved deals (contracts and orders: Tryton sales
confirmed, processing or done), on the deal's date; the returns of orders
(confirmed, received or closed, not draft nor revoked) subtract their
lines on the return's date. Amounts are untaxed, in the company's currency
(a deal in another currency is converted at the rate of its date, like
Tryton's sale reporting), and belong to the deal's salesperson (负责人),
who follows the customer when it is transferred.

Cost (for the gross margin) is what the goods cost when they were shipped:
the cost price Tryton keeps on each shipped stock move (set when the move
is done, adjusted by the order's cost adjustment, K10), so a later change
of the product's cost price leaves past margins alone. What is not shipped
yet (a contract, an order still in the warehouse, a service) counts at the
product's current cost price. A returned quantity takes back the cost its
goods went out at (their average over the line's shipments).

Each part reads only what the calling user may read: deals through the
deal's record rules, returns through the return's.

Reports that need neither the product nor the cost (by period,
salesperson, department, year-on-year, targets) read deal_rows()
instead: one row per deal, its untaxed total as Tryton stores it when the
deal is confirmed (the sum of its lines' amounts, as the deal shows it),
and one per return line. A deal has several lines: a fifth of the rows,
and the lines not joined at all (bench/README.md, "Reports").
"""
from sql import Literal, Union
from sql.aggregate import Sum
from sql.conditionals import Case, Coalesce
from sql.operators import Neg

from trytond.pool import Pool

from xtools_crm_base.linear_browse import LinearBrowse
from xtools_crm_sales.deal import APPROVED_STATES

from .reporting import (
    company_currency_column, filter_dates, filter_owner, join_company_rates,
    plan_without_jit, report_company, visible_rows)

# Returns that count: confirmed (goods on their way back), received, closed
RETURN_STATES = ['processing', 'done', 'closed']


class SalesLines(LinearBrowse):
    """Builds the query of the sales lines; reports call lines() (or
    deal_rows()) and select from its result with the withs it returns.
    Override the parts. A report's rows are browsed in linear time: the
    boss's summary has thousands."""
    __slots__ = ()

    @classmethod
    def lines(cls, with_dates=True, with_cost=False):
        """(query, withs): one row per deal line and per return line, with
        id, date, company, currency (the company's), salesperson,
        department, customer, deal, deal_type, product, quantity, amount
        (company currency), is_return, and with_cost the cost (company
        currency).

        Only the margin reports need the cost: it is what makes the query
        heavy (the shipped moves of every line, the cost prices), so the
        other reports leave it out."""
        return cls._rows(cls._parts(with_dates),
            with_product=True, with_cost=with_cost)

    @classmethod
    def deal_rows(cls, with_dates=True):
        """(query, withs): as lines() without product, quantity and cost:
        one row per approved deal (its untaxed total) and per return line"""
        return cls._rows([
                cls._deal_totals(with_dates),
                cls._return_lines(with_dates, with_product=False)],
            with_product=False, with_cost=False)

    @classmethod
    def _rows(cls, parts, with_product, with_cost):
        pool = Pool()
        User = pool.get('res.user')
        CostPrice = pool.get('product.cost_price')
        plan_without_jit()
        union = Union(*parts, all_=True) if len(parts) > 1 else parts[0]
        user = User.__table__()
        from_item = union.join(user, type_='LEFT',
            condition=union.salesperson == user.id)
        from_item, convert = join_company_rates(
            from_item, union.currency, union.date)
        columns = [
            union.id.as_('id'),
            union.date.as_('date'),
            union.company.as_('company'),
            company_currency_column().as_('currency'),
            union.salesperson.as_('salesperson'),
            user.crm_department.as_('department'),
            union.customer.as_('customer'),
            union.deal.as_('deal'),
            union.deal_type.as_('deal_type'),
            convert(union.amount).as_('amount'),
            union.is_return.as_('is_return'),
            ]
        if with_product:
            columns += [
                union.product.as_('product'),
                union.quantity.as_('quantity'),
                ]
        if with_cost:
            cost_price = CostPrice.__table__()
            from_item = from_item.join(cost_price, type_='LEFT',
                condition=(cost_price.product == union.product)
                & (cost_price.company == union.company))
            shipped = cls._shipped_costs()
            from_item = from_item.join(shipped, type_='LEFT',
                condition=shipped.sale_line == union.sale_line)
            columns.append(
                cls._cost(union, shipped, cost_price.cost_price).as_('cost'))
        return from_item.select(*columns), []

    @classmethod
    def _shipped_costs(cls):
        """Per sale line, the quantity shipped to the customer (in the
        line's unit: Tryton ships a sale line in its unit) and its cost:
        each done move's quantity in the product's unit times the cost
        price the move holds (per unit of the product)"""
        pool = Pool()
        Move = pool.get('stock.move')
        Location = pool.get('stock.location')
        SaleLine = pool.get('sale.line')
        move = Move.__table__()
        to_location = Location.__table__()
        return move.join(to_location,
            condition=move.to_location == to_location.id).select(
                Move.origin.sql_id(move.origin, SaleLine).as_('sale_line'),
                Sum(move.quantity).as_('quantity'),
                Sum(move.internal_quantity * move.cost_price).as_('cost'),
                where=(move.state == 'done')
                & move.origin.like('sale.line,%')
                & (to_location.type == 'customer'),
                group_by=[move.origin])

    @staticmethod
    def _cost(union, shipped, current_cost):
        """The cost of a deal line: its shipped goods at their moves'
        cost, the rest at the current cost; of a return line: its quantity
        at the average cost its goods were shipped at (the current cost if
        none were)"""
        shipped_quantity = Coalesce(shipped.quantity, 0)
        rest = union.quantity - shipped_quantity
        deal_cost = Coalesce(shipped.cost, 0) + Case(
            (rest > 0, rest * current_cost), else_=0)
        unit_cost = Case(
            (shipped_quantity > 0, shipped.cost / shipped_quantity),
            else_=current_cost)
        return Case(
            (union.is_return, union.quantity * unit_cost),
            else_=deal_cost)

    @classmethod
    def _parts(cls, with_dates):
        return [cls._deal_lines(with_dates), cls._return_lines(with_dates)]

    @staticmethod
    def _deal_columns(sale, date):
        """The columns each part takes from its deal (sale, sale.sale's
        table), after the id: the union's arms line up"""
        return [
            date.as_('date'),
            sale.company.as_('company'),
            sale.currency.as_('currency'),
            sale.crm_owner.as_('salesperson'),
            sale.party.as_('customer'),
            sale.id.as_('deal'),
            sale.crm_deal_type.as_('deal_type'),
            ]

    @classmethod
    def _approved_deals(cls, sale, with_dates):
        "The condition that sale (sale.sale's table) is an approved deal"
        where = (sale.state.in_(sorted(APPROVED_STATES))
            & (sale.company == (report_company() or -1))
            & filter_owner(sale.crm_owner)
            & visible_rows('sale.sale', sale))
        if with_dates:
            where &= filter_dates(sale.sale_date)
        return where

    @classmethod
    def _deal_lines(cls, with_dates):
        pool = Pool()
        Sale = pool.get('sale.sale')
        Line = pool.get('sale.line')
        sale = Sale.__table__()
        line = Line.__table__()
        return line.join(sale, condition=line.sale == sale.id).select(
            (line.id * 2).as_('id'),
            *cls._deal_columns(sale, sale.sale_date),
            line.id.as_('sale_line'),
            line.product.as_('product'),
            line.quantity.as_('quantity'),
            (line.quantity * line.unit_price).as_('amount'),
            Literal(False).as_('is_return'),
            where=(line.type == 'line')
            & cls._approved_deals(sale, with_dates))

    @classmethod
    def _deal_totals(cls, with_dates):
        """One row per approved deal: its untaxed total, stored by Tryton
        when the deal is confirmed (summed from its lines if it is not)"""
        pool = Pool()
        Sale = pool.get('sale.sale')
        Line = pool.get('sale.line')
        sale = Sale.__table__()
        line = Line.__table__()
        lines_total = line.select(
            Sum(line.quantity * line.unit_price),
            where=(line.sale == sale.id) & (line.type == 'line'))
        total = Coalesce(sale.untaxed_amount_cache, lines_total, 0)
        return sale.select(
            (sale.id * 2).as_('id'),
            *cls._deal_columns(sale, sale.sale_date),
            total.as_('amount'),
            Literal(False).as_('is_return'),
            where=cls._approved_deals(sale, with_dates))

    @classmethod
    def _return_lines(cls, with_dates, with_product=True):
        pool = Pool()
        Sale = pool.get('sale.sale')
        SaleLine = pool.get('sale.line')
        Return = pool.get('crm.deal.return')
        ReturnLine = pool.get('crm.deal.return.line')
        sale = Sale.__table__()
        sale_line = SaleLine.__table__()
        return_ = Return.__table__()
        line = ReturnLine.__table__()
        where = (return_.state.in_(RETURN_STATES)
            & (sale.company == (report_company() or -1))
            & filter_owner(sale.crm_owner)
            & visible_rows('crm.deal.return', return_))
        if with_dates:
            where &= filter_dates(return_.date)
        columns = [
            (line.id * 2 + 1).as_('id'),
            *cls._deal_columns(sale, return_.date),
            ]
        if with_product:
            columns += [
                sale_line.id.as_('sale_line'),
                sale_line.product.as_('product'),
                Neg(line.quantity).as_('quantity'),
                ]
        columns += [
            Neg(line.quantity * line.unit_price).as_('amount'),
            Literal(True).as_('is_return'),
            ]
        return (line
            .join(return_, condition=line.document == return_.id)
            .join(sale, condition=return_.deal == sale.id)
            .join(sale_line, condition=line.sale_line == sale_line.id)
            .select(*columns, where=where))

"""The figures of the reports against hand-computed expectations, on a small
known company (SPEC R2, R3, S10):

- 销售部 (director, staff2) with its sub-department 销售一部 (staff1), and
  市场部 (other), a boss;
- product P1 (goods, cost 60) and P2 (a service without cost);
- approved deals: staff1 2023-02-15 5 × 100, 2024-01-20 3 × 100 and
  2024-02-29 (a leap day) 10 × 100; staff2 2024-02-10 1 × 2000 (P2);
  other 2024-03-05 2 × 50 USD at 8 yuan the dollar; a draft deal of
  staff1 (never counted);
- a return of 2 × 100 of staff1's leap-day deal on 2024-03-10, and a draft
  return (never counted);
- a receipt of 400 on the leap-day deal on 2024-03-01.
"""
import datetime as dt
import unittest
from decimal import Decimal

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.currency.tests import add_currency_rate, create_currency
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from xtools_crm_base.tests.tools import create_organisation

DEPARTMENTS = {"销售部": None, "销售一部": "销售部", "市场部": None}
USERS = {
    'boss': {'crm_level': 'boss', 'roles': ['boss', 'sales']},
    'director': {'crm_level': 'manager', 'crm_department': "销售部"},
    'staff1': {'crm_department': "销售一部"},
    'staff2': {'crm_department': "销售部"},
    'other': {'crm_department': "市场部"},
    }
D = Decimal


def build_company():
    """The known company (see the module docstring): (org, products,
    deals by name)"""
    pool = Pool()
    Party = pool.get('party.party')
    Sale = pool.get('sale.sale')
    Template = pool.get('product.template')
    Product = pool.get('product.product')
    Uom = pool.get('product.uom')
    Return = pool.get('crm.deal.return')
    ReturnLine = pool.get('crm.deal.return.line')
    Receipt = pool.get('crm.deal.receipt')
    cny = create_currency('CNY')
    add_currency_rate(cny, 1)
    usd = create_currency('USD')
    add_currency_rate(usd, D('0.125'))
    company = create_company(currency=cny)
    org = create_organisation(DEPARTMENTS, USERS, company=company)
    users = org.users
    with set_company(company):
        unit, = Uom.search([('name', '=', 'Unit')])
        p1_template, p2_template = Template.create([{
                    'name': "P1", 'default_uom': unit.id, 'type': 'goods',
                    'list_price': D(100), 'salable': True, 'sale_uom': unit.id,
                    'products': [('create', [{}])],
                    }, {
                    'name': "P2", 'default_uom': unit.id,
                    'type': 'service', 'list_price': D(2000), 'salable': True, 'sale_uom': unit.id,
                    'products': [('create', [{}])],
                    }])
        p1, = p1_template.products
        p2, = p2_template.products
        Product.write([p1], {'cost_price': D(60)})
        customers = {}
        for login in ['staff1', 'staff2', 'other']:
            customers[login], = Party.create([{
                        'name': f"客户 {login}",
                        'crm_customer_type': 'enterprise',
                        'crm_owner': users[login].id}])

        def deal(login, date, product, quantity, price, currency=cny,
                state='confirmed'):
            sale, = Sale.create([{
                        'party': customers[login].id,
                        'crm_owner': users[login].id,
                        'sale_date': date,
                        'currency': currency.id,
                        'lines': [('create', [{
                                        'type': 'line',
                                        'product': product.id,
                                        'unit': unit.id,
                                        'quantity': quantity,
                                        'unit_price': D(price),
                                        }])],
                        }])
            # The approval as it stands (Tryton's confirmation needs
            # addresses and accounts this test does not care about)
            amount = D(quantity) * D(price)
            table = Sale.__table__()
            Transaction().connection.cursor().execute(*table.update(
                    [table.state, table.untaxed_amount_cache,
                        table.tax_amount_cache, table.total_amount_cache],
                    [state, amount, D(0), amount],
                    where=table.id == sale.id))
            Transaction().cache.clear()
            return Sale(sale.id)
        deals = {
            'last_year': deal('staff1', dt.date(2023, 2, 15), p1, 5, 100),
            'january': deal('staff1', dt.date(2024, 1, 20), p1, 3, 100),
            'leap_day': deal('staff1', dt.date(2024, 2, 29), p1, 10, 100),
            'service': deal('staff2', dt.date(2024, 2, 10), p2, 1, 2000),
            'dollars': deal(
                'other', dt.date(2024, 3, 5), p1, 2, 50, currency=usd),
            'draft': deal(
                'staff1', dt.date(2024, 2, 1), p1, 100, 100, state='draft'),
            }
        # Returns are written as they stand once confirmed (their lines by
        # SQL: the goods of these deals were never shipped): the report
        # reads their state, not how they got there
        leap_line, = deals['leap_day'].lines
        cursor = Transaction().connection.cursor()
        return_table = Return.__table__()
        line_table = ReturnLine.__table__()
        for number, state, quantity in [
                ('R1', 'processing', 2), ('R2', 'draft', 5)]:
            cursor.execute(*return_table.insert(
                    [return_table.number, return_table.deal,
                        return_table.date, return_table.state],
                    [[number, deals['leap_day'].id, dt.date(2024, 3, 10),
                            state]]))
            return_, = Return.search([('number', '=', number)])
            cursor.execute(*line_table.insert(
                    [line_table.document, line_table.sale_line,
                        line_table.quantity, line_table.unit_price],
                    [[return_.id, leap_line.id, quantity, D(100)]]))
        Receipt.create([{
                    'deal': deals['leap_day'].id,
                    'date': dt.date(2024, 3, 1),
                    'amount': D(400),
                    'owner': users['staff1'].id,
                    }])
    return org, (p1, p2), deals


def ship(sale, quantity, cost_price):
    """A done move of `quantity` of the sale's line to the customer, at
    `cost_price` (as Tryton leaves a shipped move: its cost set when done,
    or by the order's cost adjustment)"""
    pool = Pool()
    Move = pool.get('stock.move')
    Location = pool.get('stock.location')
    line, = sale.lines
    storage, = Location.search([('code', '=', 'STO')])
    customer, = Location.search([('code', '=', 'CUS')])
    move, = Move.create([{
                'product': line.product.id,
                'unit': line.unit.id,
                'quantity': quantity,
                'from_location': storage.id,
                'to_location': customer.id,
                'company': sale.company.id,
                'unit_price': line.unit_price,
                'currency': sale.currency.id,
                'origin': str(line),
                }])
    table = Move.__table__()
    Transaction().connection.cursor().execute(*table.update(
            [table.state, table.cost_price, table.effective_date],
            ['done', cost_price, sale.sale_date],
            where=table.id == move.id))
    Transaction().cache.clear()
    return move


def rows(Model, key):
    return {key(r): r for r in Model.search([])}


class FiguresTestCase(unittest.TestCase):
    "The reports' figures on a known company"

    @classmethod
    def setUpClass(cls):
        activate_module('xtools_crm_reports')

    def year_2024(self):
        return Transaction().set_context(
            from_date=dt.date(2024, 1, 1), to_date=dt.date(2024, 12, 31),
            period='month')

    @with_transaction()
    def test_sales_summary(self):
        "Sales by month and salesperson: returns subtract, dollars convert"
        Summary = Pool().get('crm.reporting.sales.summary')
        org, _, _ = build_company()
        users = org.users
        with set_company(org.company), self.year_2024():
            got = {(r.date, r.salesperson.login): (
                    r.deals, r.sales, r.returns, r.net)
                for r in Summary.search([])}
        self.assertEqual(got, {
                (dt.date(2024, 1, 1), 'staff1'): (1, D(300), D(0), D(300)),
                (dt.date(2024, 2, 1), 'staff1'): (1, D(1000), D(0), D(1000)),
                (dt.date(2024, 2, 1), 'staff2'): (1, D(2000), D(0), D(2000)),
                (dt.date(2024, 3, 1), 'staff1'): (0, D(0), D(-200), D(-200)),
                (dt.date(2024, 3, 1), 'other'): (1, D(800), D(0), D(800)),
                })
        self.assertTrue(users)

    @with_transaction()
    def test_sales_are_the_deals_untaxed_totals(self):
        """A deal counts for its untaxed amount as the deal shows it (the
        sum of its lines' rounded amounts), in the summary, the time
        series and the year-on-year report alike"""
        pool = Pool()
        Sale = pool.get('sale.sale')
        Summary = pool.get('crm.reporting.sales.summary')
        ByPeriod = pool.get('crm.reporting.sales.period')
        YoY = pool.get('crm.reporting.sales.yoy')
        org, (p1, _), deals = build_company()
        with set_company(org.company):
            # 2 lines of 3 × 0.335 = 1.005 each: the deal shows 1.00 + 1.00
            sale, = Sale.copy([deals['january']], default={
                    'sale_date': dt.date(2022, 6, 1),
                    'lines': [],
                    })
            Sale.write([sale], {'lines': [('create', [{
                                'type': 'line', 'product': p1.id,
                                'unit': p1.default_uom.id, 'quantity': 3,
                                'unit_price': D('0.335')}] * 2)]})
            Sale.store_cache([sale])
            table = Sale.__table__()
            Transaction().connection.cursor().execute(*table.update(
                    [table.state], ['confirmed'], where=table.id == sale.id))
            Transaction().cache.clear()
            shown = Sale(sale.id).untaxed_amount
            self.assertEqual(shown, D('2.00'))
            with Transaction().set_context(
                    from_date=dt.date(2022, 6, 1),
                    to_date=dt.date(2022, 6, 30), period='month',
                    year=2022):
                summary, = Summary.search([])
                period, = ByPeriod.search([])
                june = YoY.search([('month', '=', 6)])[0]
        self.assertEqual(
            (summary.sales, period.net, june.net), (shown, shown, shown))

    @with_transaction()
    def test_long_report_browsed_in_one_list(self):
        """Every row of a report shares one id list (read ahead from it),
        as Tryton's browse gives it, without its per-record check of
        the whole list"""
        Detail = Pool().get('crm.reporting.sales.detail')
        org, _, _ = build_company()
        with set_company(org.company):
            records = Detail.search([])
            ids = [r.id for r in records]
            self.assertGreater(len(ids), 3)
            self.assertTrue(all(r._ids is records[0]._ids for r in records))
            self.assertEqual(records[0]._ids, ids)
            again = Detail.browse(ids)
            self.assertEqual(
                [(r.id, r.amount, r.date) for r in again],
                [(r.id, r.amount, r.date) for r in records])

    @with_transaction()
    def test_department_with_sub_department(self):
        """A department counts its sub-department's sales, and its filter
        covers them"""
        pool = Pool()
        ByDepartment = pool.get('crm.reporting.sales.department')
        Leaderboard = pool.get('crm.reporting.sales.salesperson')
        org, _, _ = build_company()
        departments = org.departments
        with set_company(org.company), self.year_2024():
            got = {r.department.name: r.net for r in ByDepartment.search([])}
            self.assertEqual(got, {
                    "销售部": D(3100), "销售一部": D(1100), "市场部": D(800)})
            self.assertEqual(
                [(r.salesperson.login, r.net)
                    for r in Leaderboard.search([])],
                [('staff2', D(2000)), ('staff1', D(1100)),
                    ('other', D(800))])
            with Transaction().set_context(
                    department=departments["销售部"].id):
                self.assertEqual(
                    {r.salesperson.login for r in Leaderboard.search([])},
                    {'staff1', 'staff2'})
            with Transaction().set_context(
                    salesperson=org.users['other'].id):
                self.assertEqual(
                    [r.net for r in Leaderboard.search([])], [D(800)])

    @with_transaction()
    def test_year_on_year_with_leap_february(self):
        "February 2024 (with its 29th) against February 2023"
        YoY = Pool().get('crm.reporting.sales.yoy')
        org, _, _ = build_company()
        with set_company(org.company), Transaction().set_context(year=2024):
            got = {r.month: r for r in YoY.search([])}
        self.assertEqual(sorted(got), list(range(1, 13)))
        february = got[2]
        self.assertEqual(february.date, dt.date(2024, 2, 1))
        self.assertEqual(
            (february.net, february.net_last_year, february.yoy),
            (D(3000), D(500), 5.0))
        self.assertEqual(
            (february.net_previous_month, february.mom), (D(300), 9.0))
        # January: nothing the year before, no ratio
        self.assertEqual((got[1].net, got[1].yoy), (D(300), None))
        # March: the dollars less the return
        self.assertEqual((got[3].net, got[3].mom), (D(600), -0.8))
        self.assertEqual((got[4].net, got[4].mom), (D(0), -1.0))

    @with_transaction()
    def test_gross_margin(self):
        "Margin: net sales less quantity × cost price, returns included"
        pool = Pool()
        ByProduct = pool.get('crm.reporting.margin.product')
        BySalesperson = pool.get('crm.reporting.margin.salesperson')
        org, (p1, p2), _ = build_company()
        with set_company(org.company), self.year_2024():
            got = {r.product: (r.net, r.cost, r.margin)
                for r in ByProduct.search([])}
            self.assertEqual(got, {
                    p1: (D(1900), D(780), D(1120)),
                    p2: (D(2000), D(0), D(2000)),
                    })
            staff1 = {r.salesperson.login: r
                for r in BySalesperson.search([])}['staff1']
            self.assertEqual(
                (staff1.net, staff1.cost, staff1.margin),
                (D(1100), D(660), D(440)))
            self.assertAlmostEqual(staff1.margin_rate, 0.4, places=4)

    @with_transaction()
    def test_margin_keeps_the_cost_of_shipped_goods(self):
        """Shipped goods count at the cost their moves went out at: a
        later change of the product's cost price leaves their margin
        alone; what is not shipped counts at the current cost, a return
        takes back the cost its goods were shipped at"""
        pool = Pool()
        ByProduct = pool.get('crm.reporting.margin.product')
        BySalesperson = pool.get('crm.reporting.margin.salesperson')
        Product = pool.get('product.product')
        org, (p1, p2), deals = build_company()
        with set_company(org.company):
            # The January deal shipped in full at 60 a piece, 4 of the
            # leap day's 10 at 55 (after a cost adjustment, K10)
            ship(deals['january'], 3, D(60))
            ship(deals['leap_day'], 4, D(55))

            def staff1_january():
                with Transaction().set_context(from_date=dt.date(2024, 1, 1),
                        to_date=dt.date(2024, 1, 31)):
                    row, = BySalesperson.search([])
                    return row.net, row.cost, row.margin
            self.assertEqual(staff1_january(), (D(300), D(180), D(120)))

            Product.write([p1], {'cost_price': D(90)})
            self.assertEqual(staff1_january(), (D(300), D(180), D(120)))
            with self.year_2024():
                got = {r.product: (r.net, r.cost, r.margin)
                    for r in ByProduct.search([])}
            # January 3 × 60; leap day 4 × 55 + 6 × 90; its return of 2
            # takes back 2 × 55; the dollars' 2 unshipped at 90
            self.assertEqual(got[p1], (D(1900), D(1010), D(890)))

    @with_transaction()
    def test_receivables_and_payments(self):
        "Receivable = deal amount − received; payments by month"
        pool = Pool()
        Receivable = pool.get('crm.reporting.receivable')
        Payments = pool.get('crm.reporting.payment')
        Annual = pool.get('crm.reporting.annual')
        org, _, deals = build_company()
        with set_company(org.company), self.year_2024():
            got = {r.deal: (r.amount, r.received, r.receivable)
                for r in Receivable.search([])}
            self.assertEqual(got[deals['leap_day']],
                (D(1000), D(400), D(600)))
            self.assertEqual(got[deals['dollars']], (D(800), D(0), D(800)))
            self.assertNotIn(deals['draft'], got)
            self.assertNotIn(deals['last_year'], got)
            self.assertEqual(
                [(r.date, r.salesperson.login, r.amount)
                    for r in Payments.search([])],
                [(dt.date(2024, 3, 1), 'staff1', D(400))])
            with Transaction().set_context(year=2024):
                months = {r.month: r for r in Annual.search([])}
        self.assertEqual(
            (months[2].deals, months[2].net, months[2].receipts),
            (2, D(3000), D(0)))
        self.assertEqual(
            (months[3].deals, months[3].net, months[3].receipts),
            (1, D(600), D(400)))

    @with_transaction()
    def test_staff_sees_own_figures(self):
        "Under the record rules, a salesperson's report is their own"
        Leaderboard = Pool().get('crm.reporting.sales.salesperson')
        ByDepartment = Pool().get('crm.reporting.sales.department')
        org, _, _ = build_company()
        users = org.users
        with set_company(org.company), self.year_2024():
            for login, expected in [
                    ('staff1', {'staff1': D(1100)}),
                    ('director', {'staff1': D(1100), 'staff2': D(2000)}),
                    ('boss', {'staff1': D(1100), 'staff2': D(2000),
                            'other': D(800)}),
                    ]:
                with Transaction().set_user(users[login].id), \
                        Transaction().set_context(_check_access=True):
                    got = {r.salesperson.login: r.net
                        for r in Leaderboard.search([])}
                    with self.subTest(user=login):
                        self.assertEqual(got, expected)
            with Transaction().set_user(users['staff1'].id), \
                    Transaction().set_context(_check_access=True):
                self.assertEqual(
                    {r.department.name: r.net
                        for r in ByDepartment.search([])},
                    {"销售部": D(1100), "销售一部": D(1100)})

    @with_transaction()
    def test_export_cell_by_cell(self):
        """The .xlsx holds the report's columns and rows as the list shows
        them; a name that looks like a formula stays text"""
        import io

        import openpyxl
        pool = Pool()
        Party = pool.get('party.party')
        Margin = pool.get('crm.reporting.margin.customer')
        from ..export import export_report
        org, _, _ = build_company()
        with set_company(org.company), self.year_2024():
            customer, = Party.search([('name', '=', "客户 staff2")])
            Party.write([customer], {'name': '=HYPERLINK("x")'})
            records = Margin.search([])
            data = export_report(Margin, records)
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        values = [[c.value for c in row] for row in sheet.iter_rows()]
        self.assertEqual(values[0], [
                "Customer", "Net Sales", "Cost", "Gross Margin",
                "Margin Rate"])
        self.assertEqual(values[1:], [
                ['=HYPERLINK("x")', 2000, 0, 2000, 1],
                ["客户 other", 800, 120, 680, 0.85],
                ["客户 staff1", 1100, 660, 440, 0.4],
                ])
        formula_cell = sheet.cell(2, 1)
        self.assertEqual(formula_cell.data_type, 's')

    @with_transaction()
    def test_export_sales_detail(self):
        """The sales detail's .xlsx names each row's deal type and marks
        the returns, as the list shows them"""
        import io

        import openpyxl
        Detail = Pool().get('crm.reporting.sales.detail')
        from ..export import export_report
        org, _, _ = build_company()
        with set_company(org.company), self.year_2024():
            data = export_report(Detail, Detail.search([]))
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        header, *lines = [[c.value for c in row] for row in sheet.iter_rows()]
        self.assertEqual(header, [
                "Date", "Deal", "Deal Type", "Customer", "Salesperson",
                "Department", "Product", "Quantity", "Amount", "Return"])
        shown = ["Date", "Deal Type", "Customer", "Product", "Quantity",
            "Amount", "Return"]
        columns = [header.index(title) for title in shown]
        self.assertEqual([[line[c] for c in columns] for line in lines], [
                [dt.datetime(2024, 1, 20), "Order", "客户 staff1", "P1",
                    3, 300, None],
                [dt.datetime(2024, 2, 10), "Order", "客户 staff2", "P2",
                    1, 2000, None],
                [dt.datetime(2024, 2, 29), "Order", "客户 staff1", "P1",
                    10, 1000, None],
                [dt.datetime(2024, 3, 5), "Order", "客户 other", "P1",
                    2, 800, None],
                [dt.datetime(2024, 3, 10), "Order", "客户 staff1", "P1",
                    -2, -200, 'X'],
                ])

    @with_transaction()
    def test_targets_against_actual(self):
        """A salesperson's and a team's (with its sub-department) targets
        of February 2024 against what they achieved"""
        pool = Pool()
        Target = pool.get('crm.sales.target')
        Progress = pool.get('crm.reporting.target')
        org, _, _ = build_company()
        users, departments = org.users, org.departments
        with set_company(org.company):
            staff1, team = Target.create([{
                        'year': 2024, 'month': 2, 'kind': 'salesperson',
                        'salesperson': users['staff1'].id,
                        'contract_amount': D(2000), 'receipt_amount': D(500),
                        }, {
                        'year': 2024, 'month': 2, 'kind': 'team',
                        'department': departments["销售部"].id,
                        'contract_amount': D(5000), 'receipt_amount': D(0),
                        }])
            march, = Target.create([{
                        'year': 2024, 'month': 3, 'kind': 'salesperson',
                        'salesperson': users['staff1'].id,
                        'contract_amount': D(100), 'receipt_amount': D(400),
                        }])
            got = {r.target: r for r in Progress.search([])}
        self.assertEqual(
            (got[staff1].contract_actual, got[staff1].contract_rate,
                got[staff1].receipt_actual, got[staff1].receipt_rate),
            (D(1000), 0.5, D(0), 0.0))
        self.assertEqual(
            (got[team].contract_actual, got[team].contract_rate,
                got[team].receipt_rate),
            (D(3000), 0.6, None))
        # March: the return, and the receipt of the leap-day deal
        self.assertEqual(
            (got[march].contract_actual, got[march].receipt_actual,
                got[march].receipt_rate),
            (D(-200), D(400), 1.0))

    @with_transaction()
    def test_targets_set_before_the_fifth_by_managers(self):
        """Staff never change their targets; their manager sets them until
        the 5th of the month; a boss at any time"""
        from trytond.model.exceptions import AccessError

        from ..exceptions import TargetLockedError
        pool = Pool()
        Target = pool.get('crm.sales.target')
        Date = pool.get('ir.date')
        org, _, _ = build_company()
        users = org.users
        today = Date.today()
        next_month = (today.replace(day=1) + dt.timedelta(days=32))
        with set_company(org.company):
            past, = Target.create([{
                        'year': 2024, 'month': 2, 'kind': 'salesperson',
                        'salesperson': users['staff1'].id,
                        'contract_amount': D(2000), 'receipt_amount': D(500),
                        }])
            as_user = Transaction().set_user
            with as_user(users['director'].id), \
                    Transaction().set_context(_check_access=True):
                coming, = Target.create([{
                            'year': next_month.year,
                            'month': next_month.month,
                            'kind': 'salesperson',
                            'salesperson': users['staff1'].id,
                            'contract_amount': D(1),
                            'receipt_amount': D(1),
                            }])
                Target.write([coming], {'contract_amount': D(2)})
                with self.assertRaises(AccessError):
                    Target.write([past], {'contract_amount': D(1)})
            with as_user(users['staff1'].id), \
                    Transaction().set_context(_check_access=True):
                self.assertEqual(
                    set(Target.search([])), {past, coming})
                with self.assertRaises(AccessError):
                    Target.write([coming], {'contract_amount': D(3)})
                # A month already fixed: still the rules' refusal (he may
                # change none of his targets), not "the month is fixed"
                with self.assertRaises(AccessError) as refusal:
                    Target.write([past], {'contract_amount': D(3)})
                self.assertNotIsInstance(
                    refusal.exception, TargetLockedError)
            with as_user(users['boss'].id), \
                    Transaction().set_context(_check_access=True):
                Target.write([past], {'contract_amount': D(2500)})
        self.assertEqual(past.contract_amount, D(2500))

    maxDiff = None

    @with_transaction()
    def test_commissions(self):
        """Sales commission on the total, management commission on a
        team's margin by quarter, a grade's fixed amount, a product rate"""
        pool = Pool()
        Plan = pool.get('crm.commission.plan')
        Commission = pool.get('crm.reporting.commission')
        org, (p1, p2), _ = build_company()
        users, departments = org.users, org.departments
        with set_company(org.company):
            total, team, grades, by_product = Plan.create([{
                        'name': "销售提成", 'kind': 'sales', 'basis': 'total',
                        'method': 'percent', 'period': 'month',
                        'rate': D(10),
                        'agents': [('create', [
                                    {'user': users['staff1'].id}])],
                        }, {
                        'name': "管理绩效", 'kind': 'management',
                        'basis': 'total', 'method': 'margin_percent',
                        'period': 'quarter', 'rate': D(5),
                        'agents': [('create', [{
                                        'user': users['director'].id,
                                        'department':
                                        departments["销售部"].id}])],
                        }, {
                        'name': "星级", 'kind': 'sales', 'basis': 'grade',
                        'method': 'fixed', 'period': 'month',
                        'grades': [('create', [
                                    {'name': "一星", 'amount': D(300)},
                                    {'name': "二星", 'amount': D(500)}])],
                        }, {
                        'name': "产品提成", 'kind': 'sales',
                        'basis': 'product', 'method': 'percent',
                        'period': 'year',
                        'product_rates': [('create', [{
                                        'product': p1.id, 'rate': D(2)}])],
                        'agents': [('create', [
                                    {'user': users['other'].id}])],
                        }])
            Plan.write([grades], {'agents': [('create', [{
                                'user': users['staff2'].id,
                                'grade': grades.grades[1].id}])]})
            with Transaction().set_context(year=2024):
                got = {(r.plan.name, r.user.login, r.period): r.commission
                    for r in Commission.search([])}
        self.assertEqual(got, {
                ("销售提成", 'staff1', dt.date(2024, 1, 1)): D(30),
                ("销售提成", 'staff1', dt.date(2024, 2, 1)): D(100),
                ("销售提成", 'staff1', dt.date(2024, 3, 1)): D(-20),
                ("管理绩效", 'director', dt.date(2024, 1, 1)): D(122),
                ("星级", 'staff2', dt.date(2024, 2, 1)): D(500),
                ("产品提成", 'other', dt.date(2024, 1, 1)): D(16),
                })

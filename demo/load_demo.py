"""Load the demo data of 上海飞达办公家具有限公司 into an XToolsCRM database.

Run once, after the database is created and the addons are activated:

    .venv/bin/python demo/load_demo.py --database NAME --config trytond.conf
    .venv/bin/python demo/load_demo.py --print-logins

The data itself lives in demo_data.py. Other code can call load(config)
with a proteus configuration (trytond or XML-RPC) of the admin user.
A database that already has the company is refused (exit code 2).
"""
import argparse
import sys
import unicodedata
from decimal import Decimal

from proteus import Model, Wizard

try:
    from . import demo_data as data
except ImportError:
    import demo_data as data

EXIT_REFUSED = 2


class DemoRefused(Exception):
    "The database already holds a company: the demo is loaded only once."


def load(config):
    """Create the demo company, its organisation, users, customers and
    products in the database of config (a proteus config of the admin).
    Return a dict of counts."""
    refuse_if_company_exists(config)
    zh_cn = ensure_chinese(config)
    country, subdivisions = ensure_country(config)
    currency = create_currency(config)
    company = create_company(config, currency, country, subdivisions, zh_cn)
    finish_module_configuration(config)
    departments = create_departments(config, company)
    users = create_users(config, company, departments, zh_cn)
    customers = create_customers(
        config, users, country, subdivisions, zh_cn)
    products = create_products(config)
    pipeline = load_sales(config)
    pipeline.update(load_service(config))
    pipeline.update(load_stock(config))
    pipeline.update(load_reports(config))
    pipeline.update(load_work(config))
    pipeline.update(load_marketing(config))
    pipeline.update(load_office(config))
    set_admin_language(config, zh_cn)
    return {
        'company': company.rec_name,
        'departments': len(departments),
        'users': len(users),
        'customers': len(customers),
        'products': len(products),
        **pipeline,
        }


def load_sales(config):
    "Opportunities, a project, a quote and deals, with xtools_crm_sales"
    if not activated(config, 'xtools_crm_sales'):
        return {}
    try:
        from . import demo_deals, demo_sales
    except ImportError:
        import demo_deals
        import demo_sales
    counts = demo_sales.load(config)
    counts.update(demo_deals.load_deals(config))
    return counts


def load_service(config):
    "Services, complaints, QA and repair tickets, with xtools_crm_service"
    if not activated(config, 'xtools_crm_service'):
        return {}
    try:
        from . import demo_service
    except ImportError:
        import demo_service
    return demo_service.load_service(config)


def load_work(config):
    "Work reports, notices, knowledge, a note and an SMS (xtools_crm_base)"
    try:
        from . import demo_work
    except ImportError:
        import demo_work
    return demo_work.load_work(config)


def load_marketing(config):
    "Campaigns, their effect and a mass e-mail, with xtools_crm_marketing"
    if not activated(config, 'xtools_crm_marketing'):
        return {}
    try:
        from . import demo_marketing
    except ImportError:
        import demo_marketing
    return demo_marketing.load_marketing(config)


def load_office(config):
    "Approvals, work logs, a document and a training, with xtools_crm_office"
    if not activated(config, 'xtools_crm_office'):
        return {}
    try:
        from . import demo_office
    except ImportError:
        import demo_office
    return demo_office.load_office(config)


def activated(config, name):
    Module = Model.get('ir.module', config=config)
    return bool(Module.find([
                ('name', '=', name), ('state', '=', 'activated')]))


def load_stock(config):
    "Warehouses, stock, purchases and shipping, with xtools_crm_stock"
    if not activated(config, 'xtools_crm_stock'):
        return {}
    try:
        from . import demo_stock
    except ImportError:
        import demo_stock
    return demo_stock.load_stock(config)


def load_reports(config):
    "Past orders, targets and report permissions, with xtools_crm_reports"
    if not activated(config, 'xtools_crm_reports'):
        return {}
    try:
        from . import demo_reports
    except ImportError:
        import demo_reports
    return demo_reports.load_reports(config)


def refuse_if_company_exists(config):
    Company = Model.get('company.company', config=config)
    companies = Company.find([])
    if not companies:
        return
    names = ', '.join(c.rec_name for c in companies)
    if any(c.rec_name == data.COMPANY_NAME for c in companies):
        raise DemoRefused(
            f"The demo company {data.COMPANY_NAME} already exists in this "
            "database: the demo data is loaded only once. Nothing was "
            "changed.")
    raise DemoRefused(
        f"This database already has a company ({names}): the demo data "
        "goes into a fresh database only. Nothing was changed.")


def ensure_chinese(config):
    "zh_CN translatable (trytond-admin -l zh_CN does it; this is a fallback)"
    Lang = Model.get('ir.lang', config=config)
    with config.set_context(active_test=False):
        zh_cn, = Lang.find([('code', '=', 'zh_CN')])
    if not zh_cn.active:
        zh_cn.active = True
        zh_cn.save()
    if not zh_cn.translatable:
        zh_cn.click('load_translations')
    return zh_cn


def save_translation(config, record, field, value, language='zh_CN'):
    "Store the zh_CN value of a translatable field of record"
    Class = Model.get(record.__class__.__name__, config=config)
    with config.set_context(language=language):
        translated = Class(record.id)
        setattr(translated, field, value)
        translated.save()


def ensure_country(config):
    "China and the provinces of the customers, unless already there"
    Country = Model.get('country.country', config=config)
    Subdivision = Model.get('country.subdivision', config=config)
    countries = Country.find([('code', '=', data.COUNTRY['code'])])
    if countries:
        country, = countries
    else:
        country = Country(
            name=data.COUNTRY['name'],
            code=data.COUNTRY['code'],
            code3=data.COUNTRY['code3'],
            code_numeric=data.COUNTRY['code_numeric'])
        country.save()
        save_translation(config, country, 'name', data.COUNTRY['name_zh'])
    subdivisions = {
        s.code: s for s in Subdivision.find([
                ('code', 'in', [c for c, _, _ in data.SUBDIVISIONS]),
                ])}
    missing = [
        Subdivision(country=country, code=code, name=name, type=type_)
        for code, name, type_ in data.SUBDIVISIONS
        if code not in subdivisions]
    Subdivision.save(missing)
    subdivisions.update((s.code, s) for s in missing)
    return country, subdivisions


def create_currency(config):
    Currency = Model.get('currency.currency', config=config)
    currencies = Currency.find([('code', '=', data.CURRENCY['code'])])
    if currencies:
        currency, = currencies
        return currency
    currency = Currency(
        name=data.CURRENCY['name'],
        code=data.CURRENCY['code'],
        numeric_code=data.CURRENCY['numeric_code'],
        symbol=data.CURRENCY['symbol'],
        rounding=Decimal(data.CURRENCY['rounding']),
        digits=data.CURRENCY['digits'])
    currency.save()
    save_translation(config, currency, 'name', data.CURRENCY['name_zh'])
    return currency


def fill_address(address, country, subdivisions, city, street, postal_code):
    address.country = country
    subdivision = data.CITIES[city]
    if subdivision:
        address.subdivision = subdivisions[subdivision]
    address.city = city
    address.street = street
    address.postal_code = postal_code


def new_party(config, name, zh_cn, **values):
    "A party with its first address ready to be filled"
    Party = Model.get('party.party', config=config)
    party = Party(name=name, **values)
    party.lang = zh_cn
    if not party.addresses:
        party.addresses.new()
    return party


def create_company(config, currency, country, subdivisions, zh_cn):
    "The company through the same wizard as the first-login configuration"
    User = Model.get('res.user', config=config)
    party = new_party(config, data.COMPANY_NAME, zh_cn)
    fill_address(
        party.addresses[0], country, subdivisions,
        data.COMPANY_ADDRESS['city'], data.COMPANY_ADDRESS['street'],
        data.COMPANY_ADDRESS['postal_code'])
    party.contact_mechanisms.new(type='phone', value=data.COMPANY_PHONE)
    party.save()

    company_config = Wizard('company.company.config', config=config)
    company_config.execute('company')
    company = company_config.form
    company.party = party
    company.currency = currency
    company.timezone = data.COMPANY_TIMEZONE
    company_config.execute('add')
    # The admin now works in the company: prices are per company.
    config._context = User.get_preferences(True, {})
    Company = Model.get('company.company', config=config)
    company, = Company.find([('party', '=', party.id)])
    return company


def finish_module_configuration(config):
    "Without this, the admin's first login opens the configuration wizard"
    Item = Model.get('ir.module.config_wizard.item', config=config)
    items = Item.find([('state', '!=', 'done')])
    for item in items:
        item.state = 'done'
    Item.save(items)


def create_departments(config, company):
    "Return {name: department}"
    Department = Model.get('crm.department', config=config)
    departments = {
        name: Department(name=name, company=company)
        for name in data.DEPARTMENTS}
    Department.save(list(departments.values()))
    children = {
        child: Department(name=child, company=company, parent=parent)
        for parent_name, names in data.SUB_DEPARTMENTS.items()
        for parent in [departments[parent_name]]
        for child in names}
    Department.save(list(children.values()))
    departments.update(children)
    return departments


def group_ids(config, login, activated):
    """Ids of the role groups of login and of the Tryton groups it needs
    from the activated modules"""
    ModelData = Model.get('ir.model.data', config=config)
    ids = []
    if login['account_rights']:
        ids.append(ModelData.get_id(
                'xtools_crm_base', 'group_crm_admin', config.context))
    for role in login['roles']:
        ids.append(ModelData.get_id(
                'xtools_crm_base', f'group_role_{role}', config.context))
        for module, fs_id in data.ROLE_TRYTON_GROUPS.get(role, []):
            if module in activated:
                ids.append(ModelData.get_id(module, fs_id, config.context))
    return ids


def create_users(config, company, departments, zh_cn):
    "Return {login: user}, each with an employee of the company"
    Party = Model.get('party.party', config=config)
    Company = Model.get('company.company', config=config)
    Employee = Model.get('company.employee', config=config)
    Group = Model.get('res.group', config=config)
    User = Model.get('res.user', config=config)
    Module = Model.get('ir.module', config=config)
    activated = {m.name for m in Module.find([('state', '=', 'activated')])}

    parties = [Party(name=login['name']) for login in data.LOGINS]
    Party.save(parties)
    employees = [Employee(party=party, company=company) for party in parties]
    Employee.save(employees)

    users = []
    for login, employee in zip(data.LOGINS, employees):
        user = User(
            name=login['name'],
            login=login['login'],
            password=login['password'],
            email=f"{login['login']}@feida.example.com",
            language=zh_cn,
            crm_level=login['level'])
        if login['department']:
            user.crm_department = departments[login['department']]
        # Many2Many members must be fresh instances (not from a list).
        user.companies.append(Company(company.id))
        user.company = company
        user.employees.append(Employee(employee.id))
        user.employee = employee
        # Exactly the groups of the table, not the default (sales) role.
        # (pop unlinks; remove would delete the group itself)
        while user.groups:
            user.groups.pop()
        user.groups.extend(
            Group(id_) for id_ in group_ids(config, login, activated))
        users.append(user)
    User.save(users)
    return {user.login: user for user in users}


def create_customers(config, users, country, subdivisions, zh_cn):
    "30 enterprise and 6 individual customers with their contacts"
    Party = Model.get('party.party', config=config)
    Contact = Model.get('crm.contact', config=config)

    customers = []
    for index, (name, kind, city, street, postal_code, phone, domain,
            owner) in enumerate(data.ENTERPRISE_CUSTOMERS):
        customer = new_party(
            config, name, zh_cn,
            crm_customer_type='enterprise', crm_owner=users[owner])
        fill_address(
            customer.addresses[0], country, subdivisions,
            city, street, postal_code)
        customer.contact_mechanisms.new(type='phone', value=phone)
        for contact in data.enterprise_contacts(index, domain, kind):
            customer.crm_contacts.new(**contact)
        customers.append(customer)

    individuals = []
    for (name, pinyin, city, street, postal_code, mobile,
            owner) in data.INDIVIDUAL_CUSTOMERS:
        customer = new_party(
            config, name, zh_cn,
            crm_customer_type='individual', crm_owner=users[owner])
        fill_address(
            customer.addresses[0], country, subdivisions,
            city, street, postal_code)
        customer.contact_mechanisms.new(type='mobile', value=mobile)
        customer.contact_mechanisms.new(
            type='email', value=data.individual_email(pinyin))
        individuals.append(customer)
    Party.save(customers + individuals)

    # Creating an individual customer creates its contact from the party's
    # mobile and e-mail (spec B4); add it only where that did not happen.
    Party.reload(individuals)
    contacts = []
    for customer, (name, pinyin, _, _, _, mobile, _) in zip(
            individuals, data.INDIVIDUAL_CUSTOMERS):
        if not any(c.name == name for c in customer.crm_contacts):
            contacts.append(Contact(
                    customer=customer, name=name, mobile=mobile,
                    email=data.individual_email(pinyin)))
    Contact.save(contacts)
    return customers + individuals


def create_units(config):
    "Return {name: uom}: 件, 张, 套 as units of the Units category"
    Uom = Model.get('product.uom', config=config)
    ModelData = Model.get('ir.model.data', config=config)
    unit = Uom(ModelData.get_id('product', 'uom_unit', config.context))
    units = {u.name: u for u in Uom.find([
                ('name', 'in', data.UNITS),
                ('category', '=', unit.category.id),
                ])}
    missing = [
        Uom(name=name, symbol=name, category=unit.category,
            rate=1, factor=1, rounding=1, digits=0)
        for name in data.UNITS if name not in units]
    Uom.save(missing)
    units.update((u.name, u) for u in missing)
    return units


def create_products(config):
    "A category per catalogue series under one root, 4 products each"
    Category = Model.get('product.category', config=config)
    Template = Model.get('product.template', config=config)
    units = create_units(config)
    fields = Template._fields

    root = Category(name=data.PRODUCT_ROOT_CATEGORY)
    root.save()
    series = {
        name: Category(name=name, parent=root)
        for name in data.PRODUCT_SERIES}
    Category.save(list(series.values()))
    # Sold goods need an accounting category (their taxes come from it):
    # without one, a deal made from a quote fails on the demo products
    accounting = None
    if 'account_category' in fields:
        accounting = Category(
            name=data.PRODUCT_ROOT_CATEGORY, accounting=True)
        accounting.save()

    templates = []
    for series_name, products in data.PRODUCT_SERIES.items():
        for name, model, spec, unit, list_price, cost_price in products:
            template = Template(name=name, type='goods', code=model)
            # The flags first: their on_change fills the sale and purchase
            # units from the default unit.
            for flag in ['salable', 'purchasable']:
                if flag in fields:
                    setattr(template, flag, True)
            template.default_uom = units[unit]
            template.list_price = Decimal(list_price)
            template.categories.append(Category(series[series_name].id))
            if accounting:
                template.account_category = Category(accounting.id)
            if 'crm_model' in fields:
                template.crm_model = model
            if 'crm_spec' in fields:
                template.crm_spec = spec
            product, = template.products
            product.cost_price = Decimal(cost_price)
            templates.append(template)
    Template.save(templates)
    return templates


def set_admin_language(config, zh_cn):
    "Last: the records above keep their names as the source (untranslated)"
    User = Model.get('res.user', config=config)
    admin, = User.find([('login', '=', 'admin')])
    admin.language = zh_cn
    admin.save()


def text_width(text):
    return sum(
        2 if unicodedata.east_asian_width(c) in 'WF' else 1 for c in text)


def format_logins(logins=data.LOGINS):
    "The logins table, aligned for a terminal (Chinese is two columns wide)"
    header = {'role': "Role", 'name': "Name", 'login': "Login",
        'password': "Password"}
    columns = list(header)
    rows = [header] + logins
    widths = {
        c: max(text_width(row[c]) for row in rows) for c in columns}

    def line(row):
        return '  '.join(
            row[c] + ' ' * (widths[c] - text_width(row[c]))
            for c in columns).rstrip()
    return '\n'.join(
        [f"  Demo users of {data.COMPANY_NAME}:"]
        + ['    ' + line(row) for row in rows])


def connect(database, config_file=None):
    """A proteus config on database as admin.

    The settings are trytond's own: the configuration file (or
    TRYTOND_CONFIG) and the TRYTOND_SECTION__KEY variables, so the loader
    opens the database trytond-admin and trytond open with the same
    arguments. (trytond 8.0 reads the file after the variables: a key set
    in the file wins over its variable.)"""
    from proteus import config as pconfig
    return pconfig.set_trytond(database, config_file=config_file)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--database', '-d', help="database name")
    parser.add_argument('--config', '-c', help="trytond configuration file")
    parser.add_argument(
        '--print-logins', action='store_true',
        help="print the demo logins table and exit")
    args = parser.parse_args(argv)
    if args.print_logins:
        print(format_logins())
        return 0
    if not args.database:
        parser.error("--database is required")
    config = connect(args.database, args.config)
    try:
        summary = load(config)
    except DemoRefused as exception:
        print(f"load_demo: {exception}", file=sys.stderr)
        return EXIT_REFUSED
    print(
        "Demo data loaded: {company}, {departments} departments, "
        "{users} users, {customers} customers, {products} products."
        .format(**summary))
    return 0


if __name__ == '__main__':
    sys.exit(main())

/* XToolsCRM's additions to the sao web client, copied into its folder by
   scripts/setup.sh (sao loads custom.js after itself). */
(function() {
    'use strict';
    // The product's name in the title bar and the browser tab
    Sao.config.title = 'XToolsCRM';
    jQuery(function() {
        Sao.set_title();
    });

    // sao 8.0 evaluates PYSON Date() ("today" in domains and contexts) as
    // the UTC date of the browser's local midnight: east of Greenwich,
    // as in China, that is yesterday, all day long. The workbench's
    // "today's tasks" listed yesterday's and "this month" stopped a day
    // short. Today is the browser's own calendar date, as in Tryton's
    // desktop client.
    var pysonDate = Sao.PYSON.Date.eval_;
    Sao.PYSON.Date.eval_ = function(value, context) {
        var start = value.start;
        if (start && (start.isDate || start.isDateTime)) {
            return pysonDate(value, context);
        }
        var today = moment();
        return pysonDate(jQuery.extend({}, value, {
            start: Sao.Date(today.year(), today.month(), today.date())}),
            context);
    };

    // sao 8.0's board (the workbench's blocks) computes each action's
    // domain but never hands it to the block's screen, so every block
    // listed all the records the user may read ("hot customers" showed
    // every party). Give the screen that domain (the same list, which
    // update_domain keeps current) before its first search.
    var BoardAction = Sao.View.Board.Action;
    var init = BoardAction.prototype.init;
    BoardAction.prototype.init = function(view, attributes) {
        init.call(this, view, attributes);
        this.action_prm.done(() => {
            if (this.screen) {
                this.screen.domain = this.domain;
            }
        });
    };

    // After the first save of a record, offer the wizard its form has a
    // button for, as the original product does (saving a contract or an
    // order opens 智能新建回款计划). One entry per offer:
    //  model: the form's model;
    //  field: offered only for records where this field is set;
    //  button: the form's button the offer stands for: offered only when
    //      the user could press it (shown and enabled for the record: its
    //      states and the user's rights to it, e.g. no plan yet, some
    //      lines, a user who may change the deal);
    //  access: offered only to users who may create these records;
    //  action: [module, XML id] of the button's action, looked up over RPC.
    // The wizard runs as from the button (same action, active_id,
    // active_ids, active_model); cancelling it leaves the record saved.
    var OFFERS_AFTER_FIRST_SAVE = [{
        model: 'sale.sale',
        field: 'crm_deal_type',
        button: 'crm_create_payment_plan',
        access: 'crm.payment.plan',
        action: ['xtools_crm_sales', 'wizard_create_payment_plan'],
    }];

    function action_id(module, xml_id) {
        return Sao.rpc({
            'method': 'model.ir.model.data.get_id',
            'params': [module, xml_id, {}],
        }, Sao.Session.current_session);
    }

    function form_button(screen, name) {
        var view = screen.current_view;
        if (!view || (view.view_type != 'form')) {
            return null;
        }
        return view.state_widgets.find(widget =>
            (widget instanceof Sao.common.Button)
            && (widget.attributes.name == name)) || null;
    }

    function offer(screen, record, entry) {
        var button = form_button(screen, entry.button);
        if (!button || (screen.current_record !== record)
                || !Sao.common.MODELACCESS.get(entry.access).create) {
            return jQuery.when();
        }
        return record.model.execute('read',
            [[record.id], [entry.field]], screen.context)
            .then(values => {
                if (!values.length || !values[0][entry.field]) {
                    return;
                }
                // The values the button's states read
                return record.load('*').then(() => {
                    var states = record.expr_eval(
                        button.attributes.states || {});
                    if (states.invisible || states.readonly
                            || (screen.current_record !== record)) {
                        return;
                    }
                    return action_id(...entry.action).then(id => {
                        return Sao.Action.execute(id, {
                            model: screen.model_name,
                            id: record.id,
                            ids: [record.id],
                        }, null, true);
                    });
                });
            });
    }

    var FormTab = Sao.Tab.Form;
    var save = FormTab.prototype.save;
    FormTab.prototype.save = function(tab) {
        var screen = this.screen;
        var entries = OFFERS_AFTER_FIRST_SAVE.filter(
            entry => entry.model == screen.model_name);
        var record = screen.current_record;
        var first_save = record && (record.id < 0);
        var prm = save.call(this, tab);
        if (entries.length && first_save) {
            prm.done(() => {
                // The saved record (sao may have switched it on save)
                var saved = screen.current_record;
                if (saved && (saved.id >= 0)) {
                    entries.reduce(
                        (done, entry) => done.then(
                            () => offer(screen, saved, entry)),
                        jQuery.when());
                }
            });
        }
        return prm;
    };
}());

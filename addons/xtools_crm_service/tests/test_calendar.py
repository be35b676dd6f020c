"""Business days (工作日) of the service desks: a complaint is answered
within one business day, counted over weekends, public holidays and the
weekend days worked instead (调休)."""
import datetime as dt
import unittest

from ..calendar import BusinessCalendar

D = dt.date
T = dt.datetime
MONDAY_TO_FRIDAY = ('0', '1', '2', '3', '4')
# 2026: Friday 3 April; the Qingming holiday (清明) takes Monday 6 April off
QINGMING = [D(2026, 4, 4), D(2026, 4, 5), D(2026, 4, 6)]
# 2026: Saturday 14 February is worked before the Spring Festival (春节)
SPRING_FESTIVAL = [D(2026, 2, 16) + dt.timedelta(days=n) for n in range(7)]
SWAPPED = [D(2026, 2, 14)]


class BusinessCalendarTestCase(unittest.TestCase):
    "Deadlines counted in business days"

    def setUp(self):
        self.calendar = BusinessCalendar(
            MONDAY_TO_FRIDAY, days_off=QINGMING + SPRING_FESTIVAL,
            workdays=SWAPPED)

    def test_weekday_to_next_day(self):
        "Received on Monday at 9:00, answered by Tuesday at 9:00"
        self.assertEqual(
            self.calendar.deadline(T(2026, 3, 2, 9, 0)), T(2026, 3, 3, 9, 0))

    def test_friday_over_the_weekend(self):
        "Received on Friday at 15:00, answered by Monday at 15:00"
        self.assertEqual(
            self.calendar.deadline(T(2026, 3, 6, 15, 0)),
            T(2026, 3, 9, 15, 0))

    def test_friday_over_the_weekend_and_a_holiday(self):
        "Friday before Qingming: the Monday off is skipped too"
        self.assertEqual(
            self.calendar.deadline(T(2026, 4, 3, 15, 0)),
            T(2026, 4, 7, 15, 0))

    def test_received_on_a_day_off(self):
        """Received on Saturday: the clock starts on Monday morning, the
        complaint is answered by the end of Monday"""
        self.assertEqual(
            self.calendar.deadline(T(2026, 3, 7, 10, 30)),
            T(2026, 3, 10, 0, 0))
        # On the holiday's Sunday: by the end of Tuesday 7 April
        self.assertEqual(
            self.calendar.deadline(T(2026, 4, 5, 10, 30)),
            T(2026, 4, 8, 0, 0))

    def test_swapped_working_saturday(self):
        """Friday 13 February: Saturday 14 is worked (调休), the complaint is
        answered on Saturday; then the Spring Festival week is off"""
        self.assertEqual(
            self.calendar.deadline(T(2026, 2, 13, 15, 0)),
            T(2026, 2, 14, 15, 0))
        self.assertEqual(
            self.calendar.deadline(T(2026, 2, 14, 15, 0)),
            T(2026, 2, 23, 15, 0))

    def test_several_days(self):
        "Two business days from Thursday before Qingming: Tuesday"
        self.assertEqual(
            self.calendar.deadline(T(2026, 4, 2, 11, 0), days=2),
            T(2026, 4, 7, 11, 0))

    def test_add_business_days(self):
        "A repair promised in 3 business days from Friday 3 April"
        self.assertEqual(
            self.calendar.add_business_days(D(2026, 4, 3), 3),
            D(2026, 4, 9))
        # Taken in on the holiday: Tuesday counts as the first day
        self.assertEqual(
            self.calendar.add_business_days(D(2026, 4, 5), 3),
            D(2026, 4, 9))

    def test_no_working_day(self):
        "A calendar without any working day has no deadline"
        with self.assertRaises(ValueError):
            BusinessCalendar(()).deadline(T(2026, 3, 2, 9, 0))

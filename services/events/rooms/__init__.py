"""Rooms and their bookings: booking without double-booking, free slots, and each room's calendars."""

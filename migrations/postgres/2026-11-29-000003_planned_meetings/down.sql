ALTER TABLE steering_meetings DROP COLUMN planned;

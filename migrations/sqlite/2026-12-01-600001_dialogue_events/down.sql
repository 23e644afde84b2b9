DROP TABLE dialogue_invitations;
DROP TABLE dialogue_events;

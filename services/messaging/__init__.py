"""The one package the services share: message names and schemas, the envelope, the outbox relay, the consumer
base (inbox, retry, dead letters), and the Flask and database plumbing around them. No business logic."""

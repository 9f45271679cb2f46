"""Safety checks applied to questions and documents: identifiers, emergencies."""

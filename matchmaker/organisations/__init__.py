"""Organisation pages: viewing, editing by their members, creating by organisers."""

from vitalscope.app.cli.main import main

main()

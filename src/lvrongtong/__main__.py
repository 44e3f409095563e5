from lvrongtong.cli import main

main()
